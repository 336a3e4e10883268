import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, reportJson, runCli } from '../helpers/cli.js';

/** The nightly formats (html, md, prom) over the sample day, as a cron job runs them. */
const dir = mkdtempSync(join(tmpdir(), 'pmta-acct-nightly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = ['samples/', '--tz', 'America/New_York', '--since', '2026-11-28', '--until', '2026-11-29'];

/** `n` records of a type, one per second from 10:00 UTC. */
function lines(type: string, n: number, rcpt: string, extra = ''): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      `${type},2026-11-28 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+0000,${rcpt},203.0.113.5,${extra}`,
  );
}
const csv = (rows: string[]) => ['type,timeLogged,rcpt,dlvSourceIp,bounceCat', ...rows].join('\n') + '\n';

describe('report --format html', () => {
  const html = runCli(['report', ...SAMPLE, '--format', 'html']).stdout;

  it('is one self-contained page: a strict CSP, no script, nothing from the network', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; base-uri 'none'; form-action 'none'">/,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bon[a-z]+=|javascript:/i);
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(refs.every((r) => r.startsWith('#'))).toBe(true);
    expect(html).not.toMatch(/ style="/);
  });

  it('leads with verdicts, then totals, charts, tables, reasons and latency', () => {
    const order = [
      'id="verdicts"',
      'id="totals"',
      'id="volume"',
      'id="rates"',
      'id="isps"',
      'id="ips"',
      'id="reasons"',
      'id="latency"',
    ].map((s) => html.indexOf(s));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('<span class="badge WARN">WARN</span>microsoft complaint 0.169% (2 of 1,182) over the last 24h &gt; 0.1%');
    expect(html.match(/<svg class="chart bars"/g)).toHaveLength(1);
    expect(html.match(/<svg class="chart lines"/g)).toHaveLength(2);
    expect((html.match(/<svg class="spark"/g) ?? []).length).toBeGreaterThanOrEqual(15);
    expect(html.match(/<rect class="c-delivered"/g)).toHaveLength(24);
  });
});

describe('report --format md', () => {
  it('has the content of the HTML report as Markdown', () => {
    const md = runCli(['report', ...SAMPLE, '--format', 'md']).stdout;
    const order = [
      '## Verdicts',
      '## Totals',
      '## By ISP',
      '## By sending IP',
      '## Top bounce reasons',
      '## Top deferral reasons',
      '## Delivery latency',
    ].map((s) => md.indexOf(s));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('- **WARN** microsoft complaint 0.169% (2 of 1,182) over the last 24h \\> 0.1%');
    expect(md).toMatch(/\| gmail \| 2,105 \|.*\| [▁▂▃▄▅▆▇█]{24} \|/);
    expect(md).toContain(
      '| policy-related | smtp;554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes | 21 | 8.8% | yahoo 21 |',
    );
  });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseProm(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|summary|histogram|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1])).toBe(false);
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+)$/.exec(line);
    expect(m, line).not.toBeNull();
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    expect(types.has(m[1]), `${m[1]} has a TYPE line before its samples`).toBe(true);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

describe('report --format prom', () => {
  it('writes the textfile atomically, as gauges with bounded labels, matching the JSON', () => {
    runCli(['report', ...SAMPLE, '-o', join(dir, 'pmta_acct.prom')]);
    const r = runCli(['report', ...SAMPLE, '--format', 'prom', '-o', join(dir, 'pmta_acct.prom')]);
    expect(r.code).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('pmta_acct'))).toEqual(['pmta_acct.prom']);
    const { samples, types } = parseProm(readFileSync(join(dir, 'pmta_acct.prom'), 'utf8'));
    expect([...types.values()].every((t) => t === 'gauge')).toBe(true);
    expect([...types.keys()].every((n) => n.startsWith('pmta_acct_report_') && !n.endsWith('_total'))).toBe(true);
    const labelNames = new Set(samples.flatMap((s) => Object.keys(s.labels)));
    expect([...labelNames].sort()).toEqual(['isp', 'level', 'quantile', 'rule', 'scope', 'source_ip']);
    const json = reportJson([...SAMPLE, '--by', 'isp']);
    const get = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(get('pmta_acct_report_delivered_messages')).toBe(json.total.delivered);
    expect(get('pmta_acct_report_isp_delivered_messages', { isp: 'gmail' })).toBe(
      json.groups.find((g) => g.key.isp === 'gmail')?.delivered,
    );
    expect(get('pmta_acct_report_deferral_ratio')).toBeCloseTo((json.total.rates as Record<string, number>).deferral, 6);
    expect(get('pmta_acct_report_period_start_timestamp_seconds')).toBe(Date.parse('2026-11-28T05:00:00Z') / 1000);
    expect(get('pmta_acct_report_status')).toBe(1);
    const incidents = json.incidents;
    expect(incidents.length).toBeGreaterThan(0);
    expect(get('pmta_acct_report_incidents')).toBe(incidents.length);
    expect(get('pmta_acct_report_rule_incidents', { rule: 'deferral', level: 'CRIT' })).toBe(
      incidents.filter((i) => i.rule === 'deferral' && i.level === 'CRIT').length,
    );
  });

  it('exports only sending IPs that are IP addresses, and escapes label values', () => {
    const input = csv([...lines('d', 3, 'a@gmail.com'), 'd,2026-11-28 11:00:00+0000,b@gmail.com,"evil\\"}\nx 1",']);
    const text = runCli(['report', '--format', 'prom', '-'], { input }).stdout;
    expect(text).toContain('pmta_acct_report_ip_delivered_messages{source_ip="203.0.113.5"} 3');
    expect(text).not.toContain('evil');
  });
});

describe('several outputs from one reading', () => {
  it('writes each file in the format its name says', () => {
    const base = join(dir, 'day');
    const r = runCli(['report', ...SAMPLE, '-o', `${base}.html`, '-o', `${base}.md`, '-o', `${base}.json`, '-o', `${base}.prom`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(readFileSync(`${base}.html`, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readFileSync(`${base}.md`, 'utf8')).toMatch(/^# PowerMTA accounting report/);
    expect(JSON.parse(readFileSync(`${base}.json`, 'utf8'))).toMatchObject({ version: 1 });
    expect(readFileSync(`${base}.prom`, 'utf8')).toMatch(/^# HELP pmta_acct_report_/);
  });

  it('refuses a file name that says no format, or --format with several files', () => {
    expect(runCli(['report', ...SAMPLE, '-o', join(dir, 'a.out'), '-o', join(dir, 'b.md')]).stderr).toMatch(
      /-o .*a\.out: name the format by the file's ending/,
    );
    const r = runCli(['report', ...SAMPLE, '--format', 'md', '-o', join(dir, 'a.md'), '-o', join(dir, 'b.md')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--format names one format/);
  });
});

describe('exit status', () => {
  it('is the worst verdict: 0 OK, 1 WARNING, 2 CRITICAL; 0 with --exit-zero or --no-verdicts', () => {
    const ok = csv([...lines('d', 200, 'a@gmail.com')]);
    const warn = csv([...lines('d', 200, 'a@gmail.com'), ...lines('t', 7, 'a@gmail.com', 'policy-related')]);
    const crit = csv([...lines('d', 200, 'a@gmail.com'), ...lines('b', 6, 'a@gmail.com', 'bad-mailbox')]);
    expect(runCli(['report', '--format', 'md', '-'], { input: ok }).code).toBe(0);
    const w = runCli(['report', '--format', 'md', '-'], { input: warn });
    expect(w.code).toBe(1);
    expect(w.stdout).toContain('- **WARN** gmail deferral 3.38% (7 of 207) over the last 1h \\> 3%');
    expect(runCli(['report', '--format', 'md', '-'], { input: crit }).code).toBe(2);
    expect(runCli(['report', '--format', 'md', '--exit-zero', '-'], { input: crit }).code).toBe(0);
    const quiet = runCli(['report', '--format', 'md', '--no-verdicts', '-'], { input: crit });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('## Verdicts');
  });
});

describe('privacy', () => {
  const file = fixture('report', 'privacy-policy.csv');
  const leaks = /carlos\.anderson@|bob\.smith@|jane\.doe@|5f1d3b8a9c2e7f40@|3a7bd3e2360a3d29/;

  it('handles privacy-policy local parts (..., a string, hex hashes) as ordinary recipients', () => {
    const json = reportJson([file, '--by', 'isp']);
    expect(json.input.badRecords).toBe(1);
    expect(json.input.problems[0].line).toBe(8);
    const isps = Object.fromEntries(json.groups.map((g) => [g.key.isp, g.delivered]));
    expect(isps).toMatchObject({ gmail: 1, yahoo: 1, microsoft: 1 });
  });

  it('keeps recipient addresses out of HTML, Markdown and JSON unless --show-addresses', () => {
    for (const format of ['html', 'md', 'json', 'csv', 'table']) {
      const r = runCli(['report', file, '--format', format, '--by', 'isp,job,vmta,domain']);
      expect(r.stdout, format).not.toMatch(leaks);
      expect(r.stderr, format).not.toMatch(leaks);
    }
    const json = runCli(['report', file, '--format', 'json', '--by', 'job']).stdout;
    expect(json).toContain('"job": "...@example.com"');
    expect(json).toContain("timeLogged '...@example.net' is not a time");
    const shown = runCli(['report', file, '--format', 'json', '--by', 'job', '--show-addresses']).stdout;
    expect(shown).toContain('"job": "newsletter-bob.smith@example.com"');
    expect(shown).toContain("timeLogged 'jane.doe@example.net' is not a time");
  });
});
