/**
 * tail's alerts and report's incidents agree on the same data: a day replayed through `tail --once`
 * (rotated files and the live file) raises a change at each incident's start, any escalation in
 * between, and a change back to OK at its end, and nothing else.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAcctIn } from '../helpers/acct.js';
import { reportJson, runCli } from '../helpers/cli.js';
import { spikeDay } from '../helpers/spike-day.js';

interface Change { time: string; previous: string; level: string; verdict: { rule: string; scope: Record<string, string> } }

const H = 3600;

describe('tail --once replaying a day', () => {
  it('raises the changes that bracket each incident of report on the same files', () => {
    const rows = spikeDay([
      { domain: 'gmail.com', from: 3 * H, to: 5 * H, deferred: 10 },
      { domain: 'yahoo.com', from: 12 * H, to: 14 * H, deferred: 4 },
      { domain: 'gmail.com', from: 15 * H, to: 15.5 * H, deferred: 20 },
      { domain: 'yahoo.com', from: 22 * H, to: 24 * H, deferred: 10 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'pmta-replay-'));
    const third = Math.floor(rows.length / 3);
    writeAcctIn(dir, 'acct-2026-11-27-0000.csv', rows.slice(0, third));
    writeAcctIn(dir, 'acct-2026-11-28-0001.csv', rows.slice(third, 2 * third));
    const live = writeAcctIn(dir, 'acct.csv', rows.slice(2 * third));
    const alerts = join(mkdtempSync(join(tmpdir(), 'pmta-replay-out-')), 'alerts.jsonl');

    const report = reportJson([dir]);
    const incidents = report.incidents;
    expect(incidents.map((i) => [i.scope.isp, i.level, i.ongoing])).toEqual([['gmail', 'CRIT', false], ['yahoo', 'WARN', false], ['gmail', 'CRIT', false], ['yahoo', 'CRIT', true]]);

    const tail = runCli(['tail', live, '--state', join(dir, 'state'), '--from', 'beginning', '--once', '--on-change', `cat >> '${alerts}'`]);
    expect(tail.code, tail.stderr).toBe(0);
    const changes = readFileSync(alerts, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Change);

    const bracketing: Change[] = [];
    for (const i of incidents) {
      const mine = changes.filter((c) => c.verdict.rule === i.rule && JSON.stringify(c.verdict.scope) === JSON.stringify(i.scope)
        && c.time >= i.start && (i.ongoing || c.time <= i.end));
      expect(mine[0], `${i.message}: raised at its start`).toMatchObject({ time: i.start, previous: 'OK' });
      if (!i.ongoing) expect(mine.at(-1), `${i.message}: back to OK at its end`).toMatchObject({ time: i.end, level: 'OK' });
      const levels = mine.filter((c) => c.level !== 'OK').map((c) => c.level);
      expect(levels.includes('CRIT') ? 'CRIT' : 'WARN').toBe(i.level);
      bracketing.push(...mine);
    }
    expect(changes.filter((c) => !bracketing.includes(c))).toEqual([]);
  });
});
