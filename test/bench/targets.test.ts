import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvParseRollup } from '../../bench/baselines/csv-parse-rollup.js';
import { benchEnvironment, machineDescription } from '../../bench/machine.js';
import { renderResults } from '../../bench/results.js';
import { weekTargets } from '../../bench/suites/load-scenarios.js';
import { SUITES } from '../../bench/suites/index.js';
import type { BenchContext, Measured, TargetResult } from '../../bench/suite.js';

/**
 * Every target of `npm run bench` can fail: each is met by good measurements and missed by bad
 * ones, and one bound to an input size says n/a at another size instead of passing.
 */
const context = (rows: number, cores = 2): BenchContext => ({
  data: {
    rows,
    file: 'day.csv',
    gz: 'day.csv.gz',
    dir: 'rotated',
    bytes: rows * 500,
    dirGzipped: 1 / 3,
    small: 'small.csv',
    dataDir: 'data',
  },
  cli: 'pmta-acct.js',
  here: '.',
  cores,
  removedVariables: [],
  fleet: { hosts: 20, days: 7 },
});

/** Seconds by scenario id (floor-*: every readSync size) for a good and for a bad pmta-acct. */
const GOOD: Record<string, number> = {
  node: 0.04,
  version: 0.05,
  'report-small': 0.1,
  floor: 0.5,
  'pmta-all': 1,
  'pmta-1': 2,
  'dir-all': 1,
  'dir-1': 2,
  'pmta-gz': 1,
  gunzip: 1,
  duckdb: 3,
  'csv-parse': 100,
  'ch-load': 2,
  'ch-csv': 1,
  'q-ch': 0.1,
  'q-files': 1,
  'fleet-report-20h-7d': 1,
  'fleet-report-10h-7d': 0.6,
  'fleet-report-20h-1d': 0.3,
  'fleet-check-20h-7d': 0.5,
  'fleet-check-10h-7d': 0.3,
  'fleet-check-20h-1d': 0.4,
  'fleet-check-100h-1d': 0.8,
};
const BAD: Record<string, number> = {
  node: 0.04,
  version: 1,
  'report-small': 1,
  floor: 0.1,
  'pmta-all': 1,
  'pmta-1': 1,
  'dir-all': 2,
  'dir-1': 1,
  'pmta-gz': 2,
  gunzip: 1,
  duckdb: 1,
  'csv-parse': 1,
  'ch-load': 10,
  'ch-csv': 1,
  'q-ch': 2,
  'q-files': 1,
  'fleet-report-20h-7d': 3,
  'fleet-report-10h-7d': 1,
  'fleet-report-20h-1d': 0.1,
  'fleet-check-20h-7d': 2,
  'fleet-check-10h-7d': 0.5,
  'fleet-check-20h-1d': 0.2,
  'fleet-check-100h-1d': 2,
};

function targetsOf(ctx: BenchContext, good: boolean): TargetResult[] {
  const table = good ? GOOD : BAD;
  const get = (id: string): Measured => {
    const seconds = table[id.startsWith('floor') ? 'floor' : id];
    if (seconds === undefined) throw new Error(`no measurement for ${id}`);
    return { id, name: id, seconds, rssMb: good ? 100 : 500, rows: ctx.data.rows, bytes: ctx.data.bytes, spread: 0, runs: 1 };
  };
  return SUITES.flatMap((s) => s.targets(get, ctx));
}

describe('bench targets', () => {
  it('are all met by good measurements and all missed by bad ones at 10 M rows', () => {
    const good = targetsOf(context(10_000_000), true);
    const bad = targetsOf(context(10_000_000), false);
    expect(good.length).toBeGreaterThan(6);
    for (const t of good) expect(t.status, `${t.what}: ${t.value}`).toBe('met');
    for (const t of bad) expect(t.status, `${t.what}: ${t.value}`).toBe('missed');
  });

  it("says n/a for the fleet's aims below 20 hosts by 7 days, and judges the growth at any size", () => {
    const small = { ...context(10_000_000), fleet: { hosts: 4, days: 2 } };
    const get = (id: string): Measured => {
      const seconds = { 'fleet-report-4h-2d': 3, 'fleet-report-2h-2d': 1, 'fleet-check-4h-2d': 2, 'fleet-check-2h-2d': 1 }[id] ?? 0.5;
      return { id, name: id, seconds, rssMb: 100, rows: 0, bytes: 0, spread: 0, runs: 1 };
    };
    const fleet = SUITES.find((s) => s.name === 'fleet')?.targets(get, small) ?? [];
    expect(fleet.filter((t) => t.what.includes('4 hosts x 2 days')).map((t) => t.status)).toEqual(['n/a', 'n/a']);
    expect(fleet.find((t) => t.what === 'report --clickhouse with hosts')?.status).toBe('missed');
    expect(fleet.find((t) => t.what === 'check --clickhouse with hosts')?.status).toBe('met');
    expect(fleet.find((t) => t.what === 'report --clickhouse with days')?.value).toMatch(/^6\.00x the time for 2\.0x the days/);
  });

  it("judges the week's questions (PMTA_ACCT_BENCH_CH_DAYS=7): each met by good measurements and missed by bad ones, the week's load a figure", () => {
    const week = {
      dir: 'w',
      dates: ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'],
      hosts: ['h1', 'h2'],
      files: new Map(),
      all: [],
      rows: 7e6,
      bytes: 3.5e9,
    };
    const run = { week, loadSeconds: 160, key: 'k' };
    const measured =
      (seconds: Record<string, number>) =>
      (id: string): Measured => {
        const s = seconds[id];
        if (s === undefined) throw new Error(`no measurement for ${id}`);
        return { id, name: id, seconds: s, rssMb: 60, rows: 7e6, bytes: 3.5e9, spread: 0, runs: 1 };
      };
    const good = weekTargets(
      measured({
        'q-ch-day': 0.5,
        'q-files-day': 1.5,
        'q-ch': 1,
        'q-files': 2,
        'q-ch-rcpt': 1,
        'q-files-rcpt': 2,
        'q-ch-select': 0.6,
        'q-files-select': 0.3,
      }),
      run,
    );
    const bad = weekTargets(
      measured({
        'q-ch-day': 1,
        'q-files-day': 1.5,
        'q-ch': 1,
        'q-files': 1.2,
        'q-ch-rcpt': 2,
        'q-files-rcpt': 1.5,
        'q-ch-select': 1.5,
        'q-files-select': 0.3,
      }),
      run,
    );
    expect(good.map((t) => t.status)).toEqual(['n/a', 'met', 'met', 'met', 'met']);
    expect(bad.map((t) => t.status)).toEqual(['n/a', 'missed', 'missed', 'missed', 'missed']);
  });

  it('says n/a for the floor and csv-parse ratios below 10 M rows, and for threads on one core', () => {
    const small = targetsOf(context(1_000_000), true);
    expect(small.find((t) => t.what.includes('read floor'))?.status).toBe('n/a');
    expect(small.find((t) => t.what.includes('csv-parse'))?.status).toBe('n/a');
    expect(small.find((t) => t.what.includes('threads vs 1 thread'))?.status).toBe('met');
    expect(small.find((t) => t.what.includes('rotated archive'))?.status).toBe('met');
    const oneCore = targetsOf(context(10_000_000, 1), true);
    expect(oneCore.filter((t) => t.what.includes('vs 1 thread') || t.what.includes('rotated')).map((t) => t.status)).toEqual([
      'n/a',
      'n/a',
    ]);
  });

  it('measures the rotated archive with the threads a user gets by default (no --workers), beside one thread', async () => {
    const ctx = context(1_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'pmta-bench-rotated-'));
    const read = (await SUITES.find((s) => s.name === 'read')?.scenarios({ ...ctx, data: { ...ctx.data, dir } })) ?? [];
    const args = (id: string) => read.find((s) => s.id === id)?.args ?? [];
    expect(args('dir-all')).toContain(dir);
    expect(args('dir-all')).not.toContain('--workers');
    expect(args('dir-1').join(' ')).toContain('--workers 1');
    expect(args('pmta-all').join(' ')).toContain('--workers 2');
  });

  it("judges the rotated archive against the plain day plus its gzipped share's inflate over the cores", () => {
    const ctx = context(10_000_000);
    const measured =
      (dirAll: number) =>
      (id: string): Measured => {
        const seconds = { 'pmta-all': 3, gunzip: 9, 'dir-all': dirAll }[id] ?? 1;
        return { id, name: id, seconds, rssMb: 100, rows: ctx.data.rows, bytes: ctx.data.bytes, spread: 0, runs: 1 };
      };
    const rotated = (dirAll: number) => SUITES.flatMap((s) => s.targets(measured(dirAll), ctx)).find((t) => t.what.includes('rotated'));
    // the bound: 3 s + 9 s x 1/3 over 2 cores = 4.5 s
    expect(rotated(5.1)?.status).toBe('met');
    expect(rotated(5.3)?.status).toBe('missed');
    expect(rotated(5.1)?.value).toContain('= 4.50 s');
  });

  it('prints each target with its status', () => {
    const targets = targetsOf(context(10_000_000), false);
    const out = renderResults({ machine: 'm', rows: 10, bytes: 5000, repeat: 1, results: [], targets, date: new Date(0) });
    expect(out.table.match(/^MISS {2}/gm)?.length).toBe(targets.length);
    expect(out.markdown).toContain('| missed |');
  });
});

describe('bench environment', () => {
  it('leaves out the variables that slow every Node start, says so, and keeps the rest', () => {
    const { env, removed } = benchEnvironment({ NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', PATH: '/usr/bin', LANG: 'C' });
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'C' });
    expect(removed).toEqual(['NODE_EXTRA_CA_CERTS']);
    expect(machineDescription(removed)).toContain('without NODE_EXTRA_CA_CERTS');
    expect(benchEnvironment({ PATH: '/usr/bin' }).removed).toEqual([]);
    expect(machineDescription([])).not.toContain('without');
  });

  it('runs Node alone once more in the host environment as it is, only when a variable was left out', async () => {
    const startup = SUITES.find((s) => s.name === 'startup');
    const ids = async (removed: string[]) =>
      (await startup?.scenarios({ ...context(1_000), removedVariables: removed }))
        ?.filter((sc) => sc.hostEnvironment === true)
        .map((sc) => sc.id);
    expect(await ids(['NODE_EXTRA_CA_CERTS'])).toEqual(['node-host']);
    expect(await ids([])).toEqual([]);
  });
});

describe('csv-parse at 10 M rows', () => {
  it('reads the first million rows, scales its time and says so; at 1 M it reads all and is compared', async () => {
    const read = SUITES.find((s) => s.name === 'read');
    const csv = async (rows: number) =>
      (await read?.scenarios({ ...context(rows), data: { ...context(rows).data, dir: mkdtempSync(join(tmpdir(), 'pmta-bench-')) } }))?.find(
        (sc) => sc.id === 'csv-parse',
      );
    const big = await csv(10_000_000);
    expect(big?.args).toEqual(['day.csv', '--rows', '1000000']);
    expect(big?.scale).toBe(10);
    expect(big?.counts).toBeUndefined();
    expect(big?.name).toContain('first 1 M rows, time x10.0');
    const whole = await csv(1_000_000);
    expect(whole?.args).toEqual(['day.csv']);
    expect(whole?.scale).toBeUndefined();
    expect(whole?.counts).toBeDefined();
  });

  it('stops after the rows it is given', async () => {
    const total = (r: Awaited<ReturnType<typeof csvParseRollup>>) =>
      [...r.values()].reduce(
        (n, c) => n + c.delivered + c.deferred + c.queueDeferred + c.bounced + c.complaints + c.remoteBounced + c.remoteStatus + c.received,
        0,
      );
    const sample = fileURLToPath(new URL('../../samples/acct-2026-11-28-0001.csv', import.meta.url));
    expect(total(await csvParseRollup([sample], 3600, 100))).toBeLessThanOrEqual(100);
    expect(total(await csvParseRollup([sample], 3600, 100))).toBeGreaterThan(90);
    expect(total(await csvParseRollup([sample], 3600))).toBeGreaterThan(1000);
  });
});
