/**
 * A generated day with one known spike (Gmail deferrals at 10% from 03:00 to 05:00 Paris time, 1%
 * otherwise; Yahoo at 1% all day) must give exactly that incident, in every format of one reading.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAcct } from '../helpers/acct.js';
import { runCli, type JsonReport } from '../helpers/cli.js';
import { PARIS_DAY, spikeDay } from '../helpers/spike-day.js';

describe('a day with one deferral spike', () => {
  const out = mkdtempSync(join(tmpdir(), 'pmta-incident-'));
  const file = (ext: string) => readFileSync(join(out, `day.${ext}`), 'utf8');
  beforeAll(() => {
    const input = writeAcct(spikeDay([{ domain: 'gmail.com', from: 3 * 3600, to: 5 * 3600, deferred: 10 }]));
    const r = runCli([
      'report',
      input,
      '--tz',
      'Europe/Paris',
      '--since',
      '2026-11-28',
      '--until',
      '2026-11-29',
      ...['json', 'md', 'html', 'prom', 'txt'].flatMap((ext) => ['-o', join(out, `day.${ext}`)]),
    ]);
    // the day ends well: the verdicts at its end are OK
    expect(r.code, r.stderr).toBe(0);
  });

  // The 1h deferral rule: over 3% once its window holds 3 spike buckets (03:15), over 5% from 6
  // (03:30), back under 3% once it holds 2 (05:50); its worst windows are the spike's hours.
  it('is one CRIT deferral incident at Gmail in JSON', () => {
    const j = JSON.parse(file('json')) as JsonReport & { status: string; incidentWindows: unknown };
    expect(j.status).toBe('OK');
    expect(j.incidents).toHaveLength(1);
    expect(j.incidents[0]).toMatchObject({
      level: 'CRIT',
      rule: 'deferral',
      metric: 'deferral',
      scope: { isp: 'gmail' },
      start: '2026-11-28T03:15:00+01:00',
      end: '2026-11-28T05:50:00+01:00',
      ongoing: false,
      seconds: 9300,
      windows: 31,
      message: 'gmail deferral 03:15-05:50 (2h35m): peak 10% (120 of 1,200) over 03:00-04:00',
      peak: {
        value: 0.1,
        count: 120,
        volume: 1200,
        window: { start: '2026-11-28T03:00:00+01:00', end: '2026-11-28T04:00:00+01:00', seconds: 3600 },
      },
    });
    expect(j.incidentWindows).toEqual({ first: '2026-11-28T00:05:00+01:00', last: '2026-11-28T23:59:58+01:00', step: 300, cut: false });
  });

  it('is the one row of the Incidents table, right after the verdicts', () => {
    const text = file('txt');
    expect(text.indexOf('Verdicts')).toBeLessThan(text.indexOf('Incidents'));
    expect(text.indexOf('Incidents')).toBeLessThan(text.indexOf('Totals'));
    const rows = text.split('\n').filter((l) => /│ (WARN|CRIT) /.test(l));
    expect(rows).toHaveLength(1);
    expect(
      rows[0]
        .split('│')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ).toEqual(['CRIT', 'deferral', 'gmail', '03:15', '05:50', '2h35m', '10% (120 of 1,200)', '03:00-04:00']);
  });

  it('is the one row of the Markdown incidents', () => {
    const md = file('md');
    expect(md.indexOf('## Verdicts')).toBeLessThan(md.indexOf('## Incidents'));
    expect(md.indexOf('## Incidents')).toBeLessThan(md.indexOf('## Totals'));
    expect(md.match(/^\| \*\*(WARN|CRIT)\*\*/gm)).toHaveLength(1);
    expect(md).toContain('| **CRIT** | deferral | gmail | 03:15 | 05:50 | 2h35m | 10% (120 of 1,200) | 03:00-04:00 |');
  });

  it('is in the HTML incidents table and on its time axis', () => {
    const html = file('html');
    const section = html.slice(html.indexOf('<h2 id="incidents">'), html.indexOf('<h2 id="totals">'));
    expect(html.indexOf('<h2 id="verdicts">')).toBeLessThan(html.indexOf('<h2 id="incidents">'));
    expect(section.match(/<span class="badge (WARN|CRIT)">/g)).toHaveLength(1);
    expect(section).toContain(
      '<td class="l"><span class="badge CRIT">CRIT</span></td><td class="l key">deferral</td><td class="l key">gmail</td><td class="key">03:15</td><td class="key">05:50</td>',
    );
    const bars = [...section.matchAll(/<rect class="span-(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)];
    expect(bars).toHaveLength(1);
    expect(bars[0][1]).toBe('CRIT');
    expect(bars[0][4]).toBe('CRIT gmail deferral 03:15-05:50 (2h35m): peak 10% (120 of 1,200) over 03:00-04:00');
    // on a 24-hour axis 728 units wide from x=230: 03:15 and 2h35m
    expect(Number(bars[0][2])).toBeCloseTo(230 + (718 * 3.25) / 24, 0);
    expect(Number(bars[0][3])).toBeCloseTo((718 * (155 / 60)) / 24, 0);
  });

  it('is counted in the textfile', () => {
    const prom = file('prom');
    expect(prom).toContain('\npmta_acct_report_incidents 1\n');
    expect(prom).toContain('\npmta_acct_report_incident_seconds 9300\n');
    expect(prom).toContain('\npmta_acct_report_rule_incidents{rule="deferral",level="CRIT"} 1\n');
  });
});

describe('--compare and incidents', () => {
  it('says whether incidents grew against the days --save recorded', () => {
    const history = mkdtempSync(join(tmpdir(), 'pmta-incident-days-'));
    const day1 = writeAcct(spikeDay([{ domain: 'gmail.com', from: 3 * 3600, to: 5 * 3600, deferred: 10 }]));
    const day2 = writeAcct(
      spikeDay(
        [
          { domain: 'gmail.com', from: 3 * 3600, to: 5 * 3600, deferred: 10 },
          { domain: 'yahoo.com', from: 12 * 3600, to: 14 * 3600, deferred: 10 },
        ],
        ['gmail.com', 'yahoo.com'],
        PARIS_DAY + 86400,
      ),
    );
    const paris = ['--tz', 'Europe/Paris'];
    expect(
      runCli(['report', day1, ...paris, '--since', '2026-11-28', '--until', '2026-11-29', '--save', history, '--format', 'json']).code,
    ).toBe(0);
    const saved = JSON.parse(readFileSync(join(history, '2026-11-28.json'), 'utf8')) as { incidents: unknown };
    expect(saved.incidents).toEqual({ count: 1, crit: 1, seconds: 9300 });
    const args = [
      'report',
      day2,
      ...paris,
      '--since',
      '2026-11-29',
      '--until',
      '2026-11-30',
      '--compare',
      'previous',
      '--history',
      history,
    ];
    const j = JSON.parse(runCli([...args, '--format', 'json']).stdout) as JsonReport & { compare: { incidents: number | null } };
    expect(j.incidents).toHaveLength(2);
    expect(j.compare.incidents).toBe(1);
    const sentence = 'More incidents than the previous day (2026-11-28): 2 against 1.';
    expect(runCli([...args, '--format', 'md']).stdout).toContain(`\n${sentence}\n`);
    expect(runCli([...args, '--format', 'table']).stdout).toContain(sentence);
  });
});
