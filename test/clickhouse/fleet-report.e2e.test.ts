/**
 * `report --clickhouse` and `check --clickhouse` over two shipped hosts: per host the groups,
 * totals and latency percentiles equal `report --state` over that host's state, the fleet total
 * is their sum, `--since/--until` agree with the state's range, `check` gives the state's status
 * for a host alone, a host that stopped shipping (or never did) is CRIT, and a server that is not
 * there is one line and exit 3 (check: the plugin's UNKNOWN form).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type JsonGroup, type JsonReport } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';
import { HEADER } from '../helpers/acct-writer.js';
import { acctRow } from '../helpers/promtool.js';
import { nowAt, tailOnce } from '../helpers/tail.js';

const DAY = Date.parse('2026-11-02T00:00:00Z') / 1000;
const NOW = nowAt('2026-11-02T20:00:00Z');

/** A host's day: three ISPs, two IPs, deferrals and bounces in seeded proportions (the seed changes the mix). */
function rows(seed: number): string {
  const out: string[] = [];
  const isps = ['gmail.com', 'yahoo.com', 'outlook.com'];
  for (let i = 0; i < 12 * 18; i++) {
    const t = DAY + i * 300 + (seed % 7);
    const type = (i * seed) % 9 === 0 ? 'b' : (i + seed) % (seed + 3) === 0 ? 't' : 'd';
    out.push(acctRow(type, isps[(i + seed) % 3], `10.0.${seed}.${1 + (i % 2)}`, t, type === 'b' ? 'bad-mailbox' : ''));
  }
  return `${out.join('\n')}\n`;
}

function json(args: readonly string[], env: Record<string, string> = NOW): JsonReport {
  const r = runCli(['report', '--format', 'json', ...args], { env });
  expect(r.code, r.stderr).toBeLessThan(3);
  return JSON.parse(r.stdout) as JsonReport;
}

const keyed = (groups: readonly JsonGroup[], drop: string | null = null) =>
  new Map(
    groups.map((g) => {
      const key = Object.entries(g.key)
        .filter(([k]) => k !== drop)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const { key: _k, ...rest } = g;
      return [key, rest];
    }),
  );

describe('report and check over the fleet store', () => {
  let set: ClickHouseSet;
  let url: string;
  const states: Record<string, string> = {};
  beforeAll(async () => {
    set = await startClickHouse();
    url = set.servers[0].url('pmta');
    expect(runCli(['clickhouse', 'init', '--clickhouse', url]).code).toBe(0);
    for (const [host, seed] of [
      ['mta-1', 1],
      ['mta-2', 4],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), `pmta-fleet-report-${host}-`));
      const live = join(dir, 'acct.csv');
      writeFileSync(live, `${HEADER}\n${rows(seed)}`);
      states[host] = join(dir, 'state');
      expect(tailOnce(live, states[host], ['--from', 'beginning'], [], NOW).code).toBe(0);
      const ship = runCli(['ship', '--state', states[host], '--clickhouse', url, '--host', host, '--once']);
      expect(ship.stderr).toBe('');
      expect(ship.code).toBe(0);
    }
  });
  afterAll(async () => {
    await set?.stop();
  });

  it('give each host its state figures, by host and ISP, and the fleet their sum', () => {
    const fleet = json(['--clickhouse', url, '--by', 'host,isp', '--no-verdicts']);
    let delivered = 0;
    for (const host of ['mta-1', 'mta-2']) {
      const own = json(['--state', states[host], '--by', 'isp', '--no-verdicts']);
      const mine = fleet.groups.filter((g) => g.key.host === host);
      expect(mine.length).toBeGreaterThan(0);
      expect(keyed(mine, 'host')).toEqual(keyed(own.groups));
      delivered += Number(own.total.delivered);
    }
    expect(Number(fleet.total.delivered)).toBe(delivered);
    expect(delivered).toBeGreaterThan(0);
  });

  it('narrow to --hosts and to a range, as the state does', () => {
    const range = [
      '--since',
      '2026-11-02T06:00:00Z',
      '--until',
      '2026-11-02T12:00:00Z',
      '--by',
      'isp,ip',
      '--bucket',
      '1h',
      '--no-verdicts',
    ];
    const fleet = json(['--clickhouse', url, '--hosts', 'mta-2', ...range]);
    const own = json(['--state', states['mta-2'], ...range]);
    expect(fleet.groups.length).toBeGreaterThan(0);
    expect(fleet.groups).toEqual(own.groups);
    expect(fleet.total).toEqual(own.total);
    expect(fleet.input.counted).toBe(own.input.counted);
  });

  it("leave out the nightly report's bounce reasons when no host keeps them, as the state does", () => {
    const sections = (args: readonly string[]) => {
      const r = runCli(['report', ...args, '--format', 'md', '--no-verdicts'], { env: NOW });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').filter((l) => l.startsWith('## '));
    };
    const fromState = sections(['--state', states['mta-1']]);
    expect(fromState).toContain('## By ISP');
    expect(fromState).not.toContain('## Top bounce reasons');
    expect(sections(['--clickhouse', url, '--hosts', 'mta-1'])).toEqual(fromState);
  });

  it('judge a host alone as its state is judged, with the same exit code', () => {
    const fromStore = runCli(['check', '--clickhouse', url, '--hosts', 'mta-1'], { env: NOW });
    const fromState = runCli(['check', '--state', states['mta-1']], { env: NOW });
    expect(fromStore.code).toBe(fromState.code);
    expect(fromStore.stdout.split('\n')[0].replace(/\|.*/, '')).toBe(fromState.stdout.split('\n')[0].replace(/\|.*/, ''));
    const report = runCli(['report', '--clickhouse', url, '--hosts', 'mta-1', '--format', 'json', '--by', 'isp'], { env: NOW });
    const state = runCli(['report', '--state', states['mta-1'], '--format', 'json', '--by', 'isp'], { env: NOW });
    expect(report.code).toBe(state.code);
    const verdicts = (r: typeof report) =>
      (JSON.parse(r.stdout) as { verdicts: { rule: string; level: string; scope: Record<string, string> }[] }).verdicts;
    const fleetOnes = verdicts(report).filter((v) => v.rule !== 'host-silence' && v.scope.host === undefined);
    const brief = (v: { rule: string; level: string; scope: Record<string, string> }) => `${v.rule} ${v.level} ${JSON.stringify(v.scope)}`;
    expect(fleetOnes.map(brief)).toEqual(verdicts(state).map(brief));
    expect(fleetOnes.some((v) => v.level !== 'OK')).toBe(true);
  });

  it('judge hosts whose mail stopped as their states are judged: silence, not OK', () => {
    // two days after the last bucket: no bucket is stored where the verdicts' windows reach
    const later = nowAt('2026-11-04T20:00:00Z');
    const fromStore = runCli(['check', '--clickhouse', url, '--hosts', 'mta-1'], { env: later });
    const fromState = runCli(['check', '--state', states['mta-1']], { env: later });
    expect(fromState.code).toBe(2);
    expect(fromStore.code).toBe(fromState.code);
    expect(fromStore.stdout.split('\n')[0]).toBe(fromState.stdout.split('\n')[0]);
    expect(fromStore.stdout).toContain('no records at all');
    // and since when, the same over the store and the state (the first lines are equal)
    expect(fromStore.stdout.split('\n')[0]).toMatch(/no records at all for 30m; last record 2026-11-0\d \d\d:\d\d:\d\d UTC, \dd\d\dh ago/);
  });

  it("count a check's input over the hours its windows reach, not the whole store (cron runs it every 5 minutes)", () => {
    // 18 hours after the last bucket: the built-in rules' longest window (24 h) reaches back to
    // 2026-11-02 12:00, so the input is the records from there on, read from those hours only.
    const later = nowAt('2026-11-03T12:00:00Z');
    const r = runCli(['check', '--clickhouse', url, '--hosts', 'mta-1', '--format', 'json'], { env: later });
    expect(r.code, r.stderr).toBeLessThan(3);
    const checked = JSON.parse(r.stdout) as { input: { records: number }; lastRecord: { at: string } | null };
    const reach = json(['--clickhouse', url, '--hosts', 'mta-1', '--since', '2026-11-02T12:00:00Z', '--no-verdicts']);
    const whole = json(['--clickhouse', url, '--hosts', 'mta-1', '--no-verdicts']);
    expect(Number(reach.input.counted)).toBeGreaterThan(0);
    expect(Number(whole.input.counted)).toBeGreaterThan(Number(reach.input.counted));
    expect(checked.input.records).toBe(reach.input.counted);
    expect(checked.lastRecord?.at).toBe(whole.input.lastEvent);
  });

  it("name the host of a per-host verdict and find the fleet's incidents", () => {
    const r = runCli(['report', '--clickhouse', url, '--format', 'json', '--by', 'host'], { env: NOW });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as {
      verdicts: { level: string; scope: Record<string, string>; message: string }[];
      incidents: unknown[];
    };
    const perHost = out.verdicts.filter((v) => v.scope.host !== undefined && v.level === 'CRIT');
    expect(perHost.map((v) => v.scope.host)).toContain('mta-1');
    expect(perHost.every((v) => v.message.startsWith(`${v.scope.host}: `) || v.message.includes(v.scope.host))).toBe(true);
    expect(out.incidents.length).toBeGreaterThan(0);
  });

  it('say CRIT for a host that stopped shipping or never shipped', () => {
    const later = { PMTA_ACCT_NOW: String(Math.floor(Date.now() / 1000) + 3600) };
    const r = runCli(['check', '--clickhouse', url, '--hosts', 'mta-1', '--host-silence', '30m'], { env: later });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/mta-1 last shipped 60m ago .* > 30m/);
    const fresh = runCli(['check', '--clickhouse', url, '--hosts', 'mta-1,mta-9', '-v'], {
      env: { PMTA_ACCT_NOW: String(Math.floor(Date.now() / 1000)) },
    });
    expect(fresh.code).toBe(2);
    expect(fresh.stdout).toContain('mta-9 has never shipped to the fleet store');
    expect(fresh.stdout).toMatch(/mta-1 last shipped \S+ ago/);
  });

  it('drop whole partitions older than the retention (clickhouse prune), last: it empties the store', () => {
    const later = nowAt('2026-11-20T00:00:00Z');
    const prune = (args: readonly string[]) => runCli(['clickhouse', 'prune', '--clickhouse', url, ...args], { env: later });
    const counted = () => json(['--clickhouse', url, '--no-verdicts']).input.counted;
    const before = counted();
    expect(before).toBeGreaterThan(0);
    const dry = prune(['--keep', '7d', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('would drop groups 5m week of 2026-11-02');
    expect(dry.stdout).toContain('would drop buckets 5m week of 2026-11-02');
    expect(counted()).toBe(before);
    // The week of 2 November ended on the 9th: kept for 30 days from the 20th.
    expect(prune(['--keep', '30d']).stdout).toContain(': 0 partitions dropped');
    expect(counted()).toBe(before);
    // Its hours (shipped beside the 5-minute rows, every hour written at each commit) go with 1h=7d;
    // the 5-minute rows still answer for them.
    expect(prune(['--keep', '1h=7d']).stdout).toMatch(/: [1-9]\d* partitions? dropped/);
    expect(counted()).toBe(before);
    const done = prune(['--keep', '5m=10d']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/: [1-9]\d* partitions? dropped/);
    expect(counted()).toBe(0);
    expect(prune(['--keep', 'forever']).stderr).toContain("--keep: 'forever' is not a duration");
  });

  it('answer a missing server in one line, exit 3', () => {
    const gone = 'http://127.0.0.1:1/pmta';
    const r = runCli(['report', '--clickhouse', gone, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('ClickHouse http://127.0.0.1:1/pmta');
    const c = runCli(['check', '--clickhouse', gone]);
    expect(c.code).toBe(3);
    expect(c.stdout).toMatch(/^PMTA-ACCT UNKNOWN - .*ClickHouse http:\/\/127\.0\.0\.1:1\/pmta/);
    const both = runCli(['report', '--clickhouse', url, '--state', states['mta-1']]);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain('name no input files and no --state');
  });
});
