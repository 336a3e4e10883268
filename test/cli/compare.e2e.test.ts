import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSingleFile } from '../../bench/generate.js';
import { median } from '../../src/model/compare.js';
import { runCli, type JsonReport } from '../helpers/cli.js';

/**
 * Nine generated days (other dates, other seeds), each reported once with --save; then the last
 * day with --compare, checked against figures computed here from the daily JSON reports.
 */
const NY = 'America/New_York';
const DATES = [
  '2026-11-19',
  '2026-11-20',
  '2026-11-21',
  '2026-11-22',
  '2026-11-23',
  '2026-11-24',
  '2026-11-25',
  '2026-11-26',
  '2026-11-27',
  '2026-11-28',
];
let dir = '';
const daily = new Map<string, JsonReport>();

function next(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function dayArgs(date: string): string[] {
  return [join(dir, 'logs', `acct-${date}-0000.csv`), '--since', date, '--until', next(date), '--tz', NY];
}

function json(args: string[]): JsonReport & { compare?: Compare } {
  const r = runCli(['report', '--format', 'json', '--exit-zero', ...args]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport & { compare?: Compare };
}

interface Figures {
  delivered: number;
  deferred: number;
  bounced: number;
  rates: Record<string, number | null>;
  latency: Record<string, number | null>;
}
interface Compare {
  mode: string;
  periods: { since: string; found: boolean }[];
  notes: string[];
  total: Figures | null;
  isp: Record<string, Figures>;
}

const total = (r: JsonReport) => r.total as unknown as Figures;
const ispOf = (r: JsonReport, isp: string) => r.groups.find((g) => g.key.isp === isp) as unknown as Figures | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pmta-acct-compare-'));
  mkdirSync(join(dir, 'logs'));
  // Day 2026-11-22 is missing from the history on purpose (no log, no summary).
  for (const [i, date] of DATES.entries()) {
    if (date === '2026-11-22') continue;
    await writeSingleFile(join(dir, 'logs', `acct-${date}-0000.csv`), { rows: 300 + 40 * i, seed: 1000 + i, date, tzOffset: '-0500' });
  }
  for (const date of DATES.slice(0, -1)) {
    if (date === '2026-11-22') continue;
    daily.set(date, json([...dayArgs(date), '--by', 'isp', '--save', join(dir, 'history')]));
  }
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('report --save', () => {
  it('writes one small summary per local day, atomically (no temporary file left)', () => {
    const files = readdirSync(join(dir, 'history')).sort();
    expect(files).toEqual(
      DATES.slice(0, -1)
        .filter((d) => d !== '2026-11-22')
        .map((d) => `${d}.json`),
    );
    const doc = JSON.parse(readFileSync(join(dir, 'history', '2026-11-27.json'), 'utf8')) as {
      format: string;
      version: number;
      since: string;
    };
    expect(doc).toMatchObject({ format: 'pmta-acct-day', version: 1, since: '2026-11-27T00:00:00-05:00' });
  });

  it('refuses a period that is not whole local days', () => {
    const r = runCli([
      'report',
      '--format',
      'json',
      join(dir, 'logs'),
      '--since',
      '2026-11-27 06:00',
      '--until',
      '2026-11-28',
      '--tz',
      NY,
      '--save',
      join(dir, 'other'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--save records whole local days/);
  });
});

describe('report --compare', () => {
  it('previous: every figure of the day before, exactly', () => {
    const today = json([...dayArgs('2026-11-28'), '--by', 'isp', '--compare', 'previous', '--history', join(dir, 'history')]);
    const before = daily.get('2026-11-27') as JsonReport;
    expect(today.compare?.mode).toBe('previous');
    expect(today.compare?.periods).toEqual([{ since: '2026-11-27T00:00:00-05:00', until: '2026-11-28T00:00:00-05:00', found: true }]);
    const { delivered, deferred, bounced, rates, latency } = total(before);
    expect(today.compare?.total).toMatchObject({ delivered, deferred, bounced, rates });
    expect(today.compare?.total?.latency).toEqual({ p50: latency.p50, p90: latency.p90, p99: latency.p99 });
    expect(today.compare?.isp.gmail).toMatchObject({ delivered: ispOf(before, 'gmail')?.delivered, rates: ispOf(before, 'gmail')?.rates });
  });

  it('7d: the median of each figure over the 7 days before, with the missing day said', () => {
    const today = json([...dayArgs('2026-11-28'), '--by', 'isp', '--compare', '7d', '--history', join(dir, 'history')]);
    const week = ['2026-11-21', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map(
      (d) => daily.get(d) as JsonReport,
    );
    const c = today.compare as Compare;
    expect(c.periods.map((p) => p.found)).toEqual([true, true, true, true, true, false, true]);
    expect(c.notes.join('\n')).toMatch(/no summary for 2026-11-22/);
    expect(c.total?.delivered).toBe(median(week.map((r) => total(r).delivered)));
    expect(c.total?.bounced).toBe(median(week.map((r) => total(r).bounced)));
    expect(c.total?.rates.deferral).toBeCloseTo(median(week.map((r) => total(r).rates.deferral)) ?? NaN, 5);
    expect(c.total?.latency.p90).toBe(median(week.map((r) => total(r).latency.p90)));
    expect(c.isp.yahoo?.delivered).toBe(median(week.map((r) => ispOf(r, 'yahoo')?.delivered ?? 0)));
    expect(c.isp.gmail?.rates.bounce).toBeCloseTo(median(week.map((r) => ispOf(r, 'gmail')?.rates.bounce ?? null)) ?? NaN, 5);
  });

  it('shows the change next to each figure in Markdown', () => {
    const r = runCli([
      'report',
      '--format',
      'md',
      ...dayArgs('2026-11-28'),
      '--compare',
      'previous',
      '--history',
      join(dir, 'history'),
      '--exit-zero',
    ]);
    expect(r.code).toBe(0);
    const now = total(json([...dayArgs('2026-11-28'), '--by', 'isp']));
    const before = total(daily.get('2026-11-27') as JsonReport);
    const pct = ((now.delivered - before.delivered) / before.delivered) * 100;
    const pp = ((now.rates.deferral ?? 0) - (before.rates.deferral ?? 0)) * 100;
    expect(r.stdout).toContain('Changes are against the previous day (2026-11-27), from daily summaries in');
    expect(r.stdout).toMatch(
      new RegExp(
        `\\| Delivered \\| ${now.delivered.toLocaleString('en-US')} \\| [^|]+ \\| ${pct >= 0 ? '\\+' : '-'}${Math.abs(pct).toFixed(1)}% \\|`,
      ),
    );
    expect(r.stdout).toMatch(new RegExp(`\\| Deferred \\| [^|]+ \\| [^|]+ \\| ${pp >= 0 ? '\\+' : '-'}${Math.abs(pp).toFixed(2)} pp \\|`));
  });

  it('adds a change column to the terminal totals', () => {
    const r = runCli([
      'report',
      '--format',
      'table',
      ...dayArgs('2026-11-28'),
      '--compare',
      'previous',
      '--history',
      join(dir, 'history'),
      '--exit-zero',
    ]);
    const now = total(json([...dayArgs('2026-11-28'), '--by', 'isp']));
    const before = total(daily.get('2026-11-27') as JsonReport);
    const pct = ((now.delivered - before.delivered) / before.delivered) * 100;
    expect(r.stdout).toContain('Changes are against the previous day (2026-11-27)');
    expect(r.stdout).toMatch(new RegExp(`│ Delivered +│ [0-9,]+ +│ [^│]+│ ${pct >= 0 ? '\\+' : '-'}${Math.abs(pct).toFixed(1)}% +│`));
  });

  it('says so when the history has nothing for the period, and still reports', () => {
    const r = runCli([
      'report',
      '--format',
      'md',
      ...dayArgs('2026-11-19'),
      '--compare',
      'previous',
      '--history',
      join(dir, 'history'),
      '--exit-zero',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No comparison: daily summaries in');
    expect(r.stderr).toMatch(/--compare: no summary for 2026-11-18/);
  });

  it('needs a history', () => {
    const r = runCli(['report', '--format', 'json', ...dayArgs('2026-11-28'), '--compare', 'previous']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--compare needs a history/);
    expect(runCli(['report', ...dayArgs('2026-11-28'), '--compare', 'yesterday']).stderr).toMatch(
      /--compare: 'yesterday' is not one of previous, 7d/,
    );
  });
});
