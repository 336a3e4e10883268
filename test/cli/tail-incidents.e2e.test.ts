/**
 * tail's alerts and report's incidents agree on the same data: a day replayed through `tail --once`
 * (rotated files and the live file) raises a change at each incident's start, any escalation in
 * between, and a change back to OK at its end, and nothing else.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { writeAcctIn } from '../helpers/acct.js';
import { CLI, reportJson, runCli } from '../helpers/cli.js';
import { spikeDay } from '../helpers/spike-day.js';

interface Change {
  time: string;
  previous: string;
  level: string;
  verdict: { rule: string; scope: Record<string, string> };
}

const H = 3600;

/**
 * The clock a few hours after the day: a state keeps its 5-minute buckets for 48 hours, and a day
 * replayed later than that is kept in hours and raises no alerts (the windows need 5 minutes).
 */
const NOW = { env: { PMTA_ACCT_NOW: String(Date.parse('2026-11-29T06:00:00Z') / 1000) } };

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
    expect(incidents.map((i) => [i.scope.isp, i.level, i.ongoing])).toEqual([
      ['gmail', 'CRIT', false],
      ['yahoo', 'WARN', false],
      ['gmail', 'CRIT', false],
      ['yahoo', 'CRIT', true],
    ]);

    const tail = runCli(
      ['tail', live, '--state', join(dir, 'state'), '--from', 'beginning', '--once', '--on-change', `cat >> '${alerts}'`],
      NOW,
    );
    expect(tail.code, tail.stderr).toBe(0);
    const changes = readFileSync(alerts, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change);

    const bracketing: Change[] = [];
    for (const i of incidents) {
      const mine = changes.filter(
        (c) =>
          c.verdict.rule === i.rule &&
          JSON.stringify(c.verdict.scope) === JSON.stringify(i.scope) &&
          c.time >= i.start &&
          (i.ongoing || c.time <= i.end),
      );
      expect(mine[0], `${i.message}: raised at its start`).toMatchObject({ time: i.start, previous: 'OK' });
      if (!i.ongoing) expect(mine.at(-1), `${i.message}: back to OK at its end`).toMatchObject({ time: i.end, level: 'OK' });
      const levels = mine.filter((c) => c.level !== 'OK').map((c) => c.level);
      expect(levels.includes('CRIT') ? 'CRIT' : 'WARN').toBe(i.level);
      bracketing.push(...mine);
    }
    expect(changes.filter((c) => !bracketing.includes(c))).toEqual([]);

    // Started again with nothing new, tail judges what the state holds once: the ongoing incident, raised again.
    const again = join(dir, 'again.jsonl');
    expect(runCli(['tail', live, '--state', join(dir, 'state'), '--once', '--on-change', `cat >> '${again}'`], NOW).code).toBe(0);
    const ongoing = incidents[incidents.length - 1];
    expect(
      readFileSync(again, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Change)
        .map((c) => [c.previous, c.level, c.verdict.scope.isp, c.time]),
    ).toEqual([['OK', 'CRIT', 'yahoo', ongoing.end]]);

    // report --state over the same day: the same incidents (its windows end at --until, the verdicts' end being now)
    const range = ['--since', '2026-11-27T23:00:00Z', '--until', '2026-11-28T23:00:00Z'];
    const fromState = reportJson(['--state', join(dir, 'state'), ...range]).incidents;
    const fromFiles = reportJson([dir, ...range]).incidents;
    const shape = (list: typeof incidents) =>
      list.map((i) => [i.level, i.rule, i.scope, i.start, i.ongoing ? 'ongoing' : i.end, i.peak.value]);
    expect(shape(fromState)).toEqual(shape(fromFiles));
    expect(shape(fromFiles)).toEqual(shape(incidents));
  });

  it('posts Slack and Teams messages to a receiver, with the link back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-replay-hook-'));
    const live = writeAcctIn(dir, 'acct.csv', spikeDay([{ domain: 'gmail.com', from: 3 * H, to: 5 * H, deferred: 10 }]));
    const bodies: string[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
    const run = (format: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            CLI,
            'tail',
            live,
            '--state',
            join(dir, `state-${format}`),
            '--from',
            'beginning',
            '--once',
            '--webhook',
            url,
            '--webhook-format',
            format,
            '--alert-link',
            'https://reports.example/day.html',
          ],
          { stdio: 'ignore', env: { ...process.env, ...NOW.env } },
        );
        child.on('exit', resolve);
      });
    expect(await run('slack')).toBe(0);
    expect(await run('teams')).toBe(0);
    srv.close();
    // the spike: OK -> WARN, WARN -> CRIT, CRIT -> WARN, WARN -> OK, in each format
    expect(bodies).toHaveLength(8);
    const slack = bodies.slice(0, 4).map((b) => JSON.parse(b) as { attachments: { color: string; title: string; title_link: string }[] });
    expect(slack.map((b) => b.attachments[0].title)).toEqual([
      'WARN: deferral (isp=gmail)',
      'CRIT: deferral (isp=gmail)',
      'WARN: deferral (isp=gmail)',
      'back to OK: deferral (isp=gmail)',
    ]);
    expect(slack.map((b) => b.attachments[0].title_link)).toEqual(Array(4).fill('https://reports.example/day.html'));
    const teams = bodies.slice(4).map((b) => JSON.parse(b) as { type: string; attachments: { content: { actions: { url: string }[] } }[] });
    expect(teams.every((t) => t.type === 'message' && t.attachments[0].content.actions[0].url === 'https://reports.example/day.html')).toBe(
      true,
    );
  });

  it('refuses an --alert-link that is not a URL, and a format it does not know', () => {
    const live = writeAcctIn(mkdtempSync(join(tmpdir(), 'pmta-replay-bad-')), 'acct.csv', []);
    expect(runCli(['tail', live, '--once', '--state', join(tmpdir(), 'x'), '--alert-link', 'reports']).stderr).toContain(
      "--alert-link: 'reports' is not a URL",
    );
    expect(runCli(['tail', live, '--once', '--state', join(tmpdir(), 'x'), '--webhook-format', 'irc']).stderr).toMatch(
      /--webhook-format.*irc.*json, slack, teams/,
    );
  });
});
