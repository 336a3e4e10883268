/**
 * A tiered state from the CLI: `tail --once` over five days of files with the clock set after them
 * (PMTA_ACCT_NOW), so that the newest day is kept in 5-minute buckets, the middle ones in hours and
 * the oldest in days. `report --state` must equal `report` over the same files for every range and
 * grain the state still holds, across tier boundaries and at the retention edge, and say clearly
 * when asked for a grain it no longer has.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli, type CliResult } from '../helpers/cli.js';
import { nowAt, tailOnce } from '../helpers/tail.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The five days of the schema-1 fixture (2026-11-20, -24, -28, 12-02, 12-04, at -0500), and a live file. */
function logs(): { dir: string; live: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'pmta-tiers-'));
  roots.push(root);
  const dir = join(root, 'logs');
  cpSync(fixture('state-v1', 'logs'), dir, { recursive: true });
  return { root, dir, live: join(dir, 'acct.csv') };
}

const NOW = nowAt('2026-12-05T12:00:00Z');

interface Json {
  groups: { bucket?: string }[];
  total: Record<string, unknown>;
  input: Record<string, unknown>;
}

function report(args: readonly string[]): { json: Json; stderr: string } {
  const r = runCli(['report', '--format', 'json', '--exit-zero', ...args], { env: NOW });
  if (r.code !== 0) throw new Error(`report ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

function same(state: string, dir: string, args: readonly string[], fileArgs: readonly string[] = args): string {
  const stored = report(['--state', state, ...args]);
  const files = report([dir, ...fileArgs]);
  expect(JSON.stringify(stored.json.groups), args.join(' ')).toBe(JSON.stringify(files.json.groups));
  expect(JSON.stringify(stored.json.total), args.join(' ')).toBe(JSON.stringify(files.json.total));
  expect(stored.json.groups.length, args.join(' ')).toBeGreaterThan(0);
  return stored.stderr;
}

describe('a tiered state', () => {
  const { dir, live, root } = logs();
  const state = join(root, 'state');
  let tail: CliResult;
  beforeAll(() => {
    tail = tailOnce(live, state, ['--from', 'beginning', '--retain', '5m=48h,1h=7d,1d=400d', '--by', 'isp'], [], NOW);
  });

  it("is written by tail in the tier of each bucket's age, and its JSON lines say which grain", () => {
    expect(tail.code).toBe(0);
    const lines = tail.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { bucket: string; bucketSize: string });
    const grain = (day: string) => new Set(lines.filter((l) => l.bucket.startsWith(day)).map((l) => l.bucketSize));
    expect(grain('2026-11-20')).toEqual(new Set(['1d']));
    expect(grain('2026-11-28')).toEqual(new Set(['1h']));
    expect(grain('2026-12-04')).toEqual(new Set(['5m']));
  });

  it('equals report over the files for every range and grain it holds, across tier boundaries', () => {
    same(state, dir, ['--by', 'isp,ip']);
    same(state, dir, ['--by', 'isp', '--bucket', '1d']);
    same(state, dir, ['--by', 'vmta,pool', '--bucket', '1d']);
    same(state, dir, ['--by', 'isp', '--bucket', '1h', '--since', '2026-11-28']);
    same(state, dir, ['--by', 'ip', '--bucket', '1h', '--since', '2026-11-28T00:00:00Z', '--until', '2026-12-04T12:00:00Z']);
    same(state, dir, ['--by', 'isp,ip', '--bucket', '5m', '--since', '2026-12-03T12:00:00Z']);
    same(state, dir, ['--by', 'isp', '--since', '2026-11-24', '--until', '2026-12-03']);
  });

  it("moves an edge inside a stored bucket to the bucket's start, and says so", () => {
    const note = same(state, dir, ['--by', 'isp', '--since', '2026-11-24T12:00:00Z'], ['--by', 'isp', '--since', '2026-11-24T00:00:00Z']);
    expect(note).toMatch(/--since 2026-11-24T12:00:00Z is inside a stored 1d bucket: reporting from 2026-11-24T00:00:00Z/);
    const hour = same(
      state,
      dir,
      ['--by', 'isp', '--since', '2026-12-02T10:30:00Z', '--until', '2026-12-04T18:00:00Z'],
      ['--by', 'isp', '--since', '2026-12-02T10:00:00Z', '--until', '2026-12-04T18:00:00Z'],
    );
    expect(hour).toMatch(/inside a stored 1h bucket: reporting from 2026-12-02T10:00:00Z/);
    // --until moves back to its bucket's start too: the report ends there (it said "from").
    const upTo = same(
      state,
      dir,
      ['--by', 'isp', '--since', '2026-12-02T10:00:00Z', '--until', '2026-12-02T14:30:00Z'],
      ['--by', 'isp', '--since', '2026-12-02T10:00:00Z', '--until', '2026-12-02T14:00:00Z'],
    );
    expect(upTo).toMatch(
      /^pmta-acct: --until 2026-12-02T14:30:00Z is inside a stored 1h bucket: reporting until 2026-12-02T14:00:00Z, the bucket's start$/m,
    );
  });

  it('refuses a grain finer than it holds in the range, saying where it has which grain and what to ask', () => {
    const hourly = runCli(['report', '--state', state, '--bucket', '1h'], { env: NOW });
    expect(hourly.code).toBe(3);
    expect(hourly.stderr).toMatch(
      /--bucket 1h: in this range the state .* keeps only 1d buckets from 2026-11-20T00:00:00Z to 2026-11-26T00:00:00Z .*ask --bucket 1d, or --since 2026-11-26T00:00:00Z/,
    );
    const fine = runCli(['report', '--state', state, '--bucket', '5m', '--since', '2026-12-02'], { env: NOW });
    expect(fine.code).toBe(3);
    expect(fine.stderr).toMatch(
      /keeps only 1h buckets from 2026-12-02T05:00:00Z to 2026-12-03T05:00:00Z .*or --since 2026-12-03T05:00:00Z/,
    );
    // Local days of another zone cut the state's UTC days.
    const zone = runCli(['report', '--state', state, '--bucket', '1d', '--tz', 'America/New_York'], { env: NOW });
    expect(zone.code).toBe(3);
    expect(zone.stderr).toMatch(/local days of UTC do not fit inside 1d buckets of this zone/);
  });

  it('judges verdict windows in the 5-minute tier, and says why it cannot judge a time rolled up', () => {
    const ok = runCli(['check', '--state', state, '--at', '2026-12-05T02:00:00Z'], { env: NOW });
    expect(ok.code).toBeLessThan(3);
    expect(ok.stdout).toMatch(/^PMTA-ACCT (OK|WARNING|CRITICAL) - /);
    const old = runCli(['check', '--state', state, '--at', '2026-12-02T12:00:00Z'], { env: NOW });
    expect(old.code).toBe(3);
    expect(old.stdout).toMatch(/the rules look back 24h from 2026-12-02T12:00:00Z, to where the state keeps only 1h buckets/);
  });
});

describe('verdicts of a tiered state', () => {
  it('judge windows only where the finest tier holds them whole: incidents say the rest was not judged, a replay raises no alerts there', () => {
    const { live, root } = logs();
    const state = join(root, 'state');
    const alerts = join(root, 'alerts.jsonl');
    expect(tailOnce(live, state, ['--from', 'beginning', '--on-change', `cat >> '${alerts}'`], [], NOW).code).toBe(0);
    // 5-minute buckets from 2026-12-03T12:00Z; hours up to the end of 2026-12-02's data (12-03T05:00Z)
    const earliest = Date.parse('2026-12-04T05:00:00Z') / 1000;
    const changes = existsSync(alerts)
      ? readFileSync(alerts, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { time: string })
      : [];
    expect(
      changes.every((c) => Date.parse(c.time) / 1000 >= earliest),
      JSON.stringify(changes.map((c) => c.time)),
    ).toBe(true);
    const r = runCli(['report', '--state', state, '--format', 'json', '--exit-zero'], { env: NOW });
    const windows = (JSON.parse(r.stdout) as { incidentWindows: { first: string; cut: boolean } }).incidentWindows;
    expect(windows.cut).toBe(true);
    expect(Date.parse(windows.first) / 1000).toBeGreaterThanOrEqual(earliest);
    const text = runCli(['report', '--state', state, '--format', 'md', '--exit-zero'], { env: NOW }).stdout;
    expect(text).toMatch(
      /an earlier part of the period was not judged \(incidents cover at most its last 7 days, and from a tail state the time it keeps at its finest grain\)/,
    );
  });
});

describe('the retention edge', () => {
  it("keeps whole days from now - the last tier's retention: the same as report --since that day", () => {
    const { dir, live, root } = logs();
    const state = join(root, 'state');
    // now - 12 days = 2026-11-23T12:00Z: the day of 11-20 is gone, the day of 11-24 is kept.
    expect(tailOnce(live, state, ['--from', 'beginning', '--retain', '5m=48h,1h=7d,1d=12d'], [], NOW).code).toBe(0);
    same(
      state,
      dir,
      ['--by', 'isp,ip', '--bucket', '1d', '--since', '2026-11-01'],
      ['--by', 'isp,ip', '--bucket', '1d', '--since', '2026-11-24'],
    );
    const all = report(['--state', state, '--by', 'isp']).json;
    expect(all.input.records).toBe(3002);
  });
});

describe('a zone whose midnight is not on a UTC hour', () => {
  it('keeps quarter hours in the middle tier: local days and UTC hours both still add up', () => {
    const { dir, live, root } = logs();
    const state = join(root, 'state');
    expect(tailOnce(live, state, ['--from', 'beginning', '--tz', 'Asia/Kolkata', '--retain', '5m=48h,15m=7d'], [], NOW).code).toBe(0);
    same(state, dir, ['--by', 'isp', '--bucket', '1d', '--tz', 'Asia/Kolkata']);
    same(state, dir, ['--by', 'isp', '--bucket', '1h', '--since', '2026-11-27T18:30:00Z']);
    same(state, dir, ['--by', 'ip', '--bucket', '15m', '--since', '2026-11-27T18:30:00Z', '--until', '2026-12-03T12:00:00Z']);
  });
});
