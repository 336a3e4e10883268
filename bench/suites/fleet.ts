/**
 * The fleet (issue 14): simulated hosts' tail states shipped into a two-shard ClickHouse cluster
 * (bench/fleet/setup.ts), then `report --clickhouse --by host,isp` and `check --clickhouse` over the
 * whole fleet, and how they grow with hosts (all of them, and the first half by --hosts) and days
 * (D days, 1 day), check over 100 hosts, ship's throughput, the bytes a host-day takes in the store
 * and the sizing of a 100-host, 35-day fleet. `npm run bench -- --only fleet --hosts N --days D`
 * scales it (default 20 hosts by 7 days of a --rows host). Without clickhouse-server it has no
 * scenarios and its targets are n/a.
 */
import { spawnSync } from 'node:child_process';
import { startBenchCluster } from '../clickhouse/server.js';
import { benchEnvironment } from '../machine.js';
import { bytesText } from '../fleet/plan.js';
import { CLUSTER, RETAIN, setUpFleet, SIZING_FLEET, WIDE_HOSTS, type FleetFigures, type Store } from '../fleet/setup.js';
import type { FleetShip } from '../fleet/ship.js';
import { target, type BenchContext, type Measured, type Scenario, type Suite, type TargetResult } from '../suite.js';

/** The aims, for at least 20 hosts by 7 days. */
const REPORT_AIM = 2;
const CHECK_AIM = 1;
const AIM_HOSTS = 20;
const AIM_DAYS = 7;

let figures: FleetFigures | null = null;

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const half = (hosts: number) => Math.ceil(hosts / 2);

/** Scenario ids by what they read. */
export const fleetIds = (ctx: BenchContext) => {
  const { hosts, days } = ctx.fleet;
  return {
    report: `fleet-report-${hosts}h-${days}d`,
    reportHalf: `fleet-report-${half(hosts)}h-${days}d`,
    reportDay: `fleet-report-${hosts}h-1d`,
    check: `fleet-check-${hosts}h-${days}d`,
    checkHalf: `fleet-check-${half(hosts)}h-${days}d`,
    checkDay: `fleet-check-${hosts}h-1d`,
    checkWide: `fleet-check-${WIDE_HOSTS}h-1d`,
  };
};

/**
 * The shortest request timeout a fleet read has had (the client's default, 30 s, until reads got
 * FLEET_READ_TIMEOUT_MS in src/cli/fleet-options.ts; a peer build may still have it): a read that
 * failed sooner is broken, not slow.
 */
const TIMEOUT = 30;
/** A fleet read's request timeout now (src/cli/fleet-options.ts): a read that long ended UNKNOWN. */
const READ_TIMEOUT = 600;

function scenario(ctx: BenchContext, id: string, name: string, args: readonly string[]): Scenario {
  // A verdict that is WARN or CRIT is an answer, not a failure; so is UNKNOWN from a read that timed
  // out (tried() below refuses any other UNKNOWN before the rounds start).
  return { id, name, script: ctx.cli, args, rows: 0, bytes: 0, rss: true, exitCodes: [0, 1, 2, 3] };
}

/** Runs each read once: one that fails before the timeout is a broken scenario, not a slow one. */
function tried(list: readonly Scenario[]): void {
  for (const sc of list) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [sc.script ?? '', ...sc.args], {
      encoding: 'utf8',
      env: benchEnvironment().env,
      maxBuffer: 1 << 30,
    });
    const took = Number(process.hrtime.bigint() - start) / 1e9;
    if ((r.status ?? 3) > 2 && took < TIMEOUT) throw new Error(`${sc.name} failed (${r.status}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
  }
}

function seconds(m: Measured): string {
  return m.seconds >= READ_TIMEOUT ? `${fmt(m.seconds, 1)} s: timed out (the ${READ_TIMEOUT} s request timeout)` : `${fmt(m.seconds, 3)} s`;
}

function reads(ctx: BenchContext, f: FleetFigures): Scenario[] {
  const ids = fleetIds(ctx);
  const { full, oneDay, wide } = f.stores;
  const silence = ['--host-silence', '1d'];
  const some = (s: Store, n: number) => (n < s.hosts.length ? ['--hosts', s.hosts.slice(0, n).join(',')] : []);
  const report = (s: Store, n: number) => [
    'report',
    '--clickhouse',
    s.url,
    '--by',
    'host,isp',
    '--format',
    'json',
    '--at',
    s.at,
    ...silence,
    ...some(s, n),
  ];
  const check = (s: Store, n: number) => ['check', '--clickhouse', s.url, '--at', s.at, '--format', 'json', ...silence, ...some(s, n)];
  const h = full.hosts.length;
  const d = full.days;
  const list = [
    scenario(ctx, ids.report, `report --clickhouse --by host,isp, ${h} hosts x ${d} d`, report(full, h)),
    scenario(ctx, ids.reportHalf, `report --clickhouse --by host,isp, ${half(h)} hosts x ${d} d`, report(full, half(h))),
    scenario(ctx, ids.check, `check --clickhouse, ${h} hosts x ${d} d`, check(full, h)),
    scenario(ctx, ids.checkHalf, `check --clickhouse, ${half(h)} hosts x ${d} d`, check(full, half(h))),
    scenario(ctx, ids.checkWide, `check --clickhouse, ${WIDE_HOSTS} hosts x 1 d (3 silent)`, check(wide, WIDE_HOSTS)),
  ];
  if (d > 1)
    list.push(
      scenario(ctx, ids.reportDay, `report --clickhouse --by host,isp, ${h} hosts x 1 d`, report(oneDay, h)),
      scenario(ctx, ids.checkDay, `check --clickhouse, ${h} hosts x 1 d`, check(oneDay, h)),
    );
  // A peer build (another branch's dist/bin/pmta-acct.js) over the same stores, in the same rounds:
  // a change to the fleet reads is judged by the ratio, not by times of runs made at other loads.
  const peer = process.env.PMTA_BENCH_FLEET_PEER;
  if (peer !== undefined && peer !== '')
    for (const sc of list.slice(0, 5)) list.push({ ...sc, id: `${sc.id}-peer`, name: `${sc.name} (peer: ${peer})`, script: peer });
  return list;
}

function shipText(s: FleetShip): string {
  const groups = s.hosts.reduce((a, x) => a + x.groups, 0);
  const rates = s.hosts.map((x) => x.groups / x.seconds).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  return `${fmt(groups / s.wall / 1e3, 1)} k groups/s in total (${s.hosts.length} hosts, ${fmt(groups / 1e6)} M groups in ${fmt(s.wall, 1)} s, two ships at a time), ${fmt(median / 1e3, 1)} k groups/s per host (median)`;
}

/** How a time grows from a smaller input to one `times` larger: at most in proportion. */
function growth(what: string, big: Measured, small: Measured, times: number, unit: string): TargetResult {
  const ratio = big.seconds / small.seconds;
  return target(
    what,
    `${fmt(ratio)}x the time for ${fmt(times, 1)}x the ${unit} (${fmt(small.seconds, 3)} s -> ${fmt(big.seconds, 3)} s; target <= ${fmt(times, 1)}x: at most in proportion)`,
    ratio <= times,
  );
}

export const fleetSuite: Suite = {
  name: 'fleet',
  async scenarios(ctx: BenchContext): Promise<Scenario[]> {
    const servers = startBenchCluster(2, CLUSTER);
    if (servers === null) return [];
    figures = await setUpFleet(ctx, servers, (l) => process.stderr.write(`${l}\n`));
    const list = reads(ctx, figures);
    tried(list);
    return list;
  },

  targets(get: (id: string) => Measured, ctx: BenchContext): TargetResult[] {
    const ids = fleetIds(ctx);
    const { hosts, days } = ctx.fleet;
    let m: Record<keyof typeof ids, Measured | null>;
    try {
      const one = (id: string) => (days > 1 ? get(id) : null);
      m = {
        report: get(ids.report),
        reportHalf: get(ids.reportHalf),
        reportDay: one(ids.reportDay),
        check: get(ids.check),
        checkHalf: get(ids.checkHalf),
        checkDay: one(ids.checkDay),
        checkWide: get(ids.checkWide),
      };
    } catch {
      return [target('fleet', 'not measured', false, 'no clickhouse-server: apt-get install clickhouse-server clickhouse-client')];
    }
    const size = hosts >= AIM_HOSTS && days >= AIM_DAYS ? true : `the aim is for ${AIM_HOSTS} hosts x ${AIM_DAYS} days`;
    const report = m.report as Measured;
    const check = m.check as Measured;
    const out: TargetResult[] = [
      target(
        `report --clickhouse --by host,isp, ${hosts} hosts x ${days} days`,
        `${seconds(report)}, ${fmt(report.rssMb, 0)} MB (aim < ${REPORT_AIM} s)`,
        report.seconds < REPORT_AIM,
        size,
      ),
      target(
        `check --clickhouse, ${hosts} hosts x ${days} days`,
        `${seconds(check)}, ${fmt(check.rssMb, 0)} MB (aim < ${CHECK_AIM} s)`,
        check.seconds < CHECK_AIM,
        size,
      ),
      growth('report --clickhouse with hosts', report, m.reportHalf as Measured, hosts / half(hosts), 'hosts'),
      growth('check --clickhouse with hosts', check, m.checkHalf as Measured, hosts / half(hosts), 'hosts'),
    ];
    if (m.reportDay !== null && m.checkDay !== null) {
      out.push(growth('report --clickhouse with days', report, m.reportDay, days, 'days'));
      out.push(growth('check --clickhouse with days', check, m.checkDay, days, 'days'));
    }
    const wide = m.checkWide as Measured;
    out.push(
      target(
        `check --clickhouse, ${WIDE_HOSTS} hosts x 1 day (per-host verdicts, 3 silent)`,
        `${seconds(wide)}, ${fmt(wide.rssMb, 0)} MB (aim < ${CHECK_AIM} s, as for ${AIM_HOSTS} hosts)`,
        wide.seconds < CHECK_AIM,
      ),
    );
    const f = figures;
    if (f === null) return out;
    out.push(target(`ship --once, ${hosts} hosts x ${days} days`, shipText(f.ship.full), true, 'a figure: the issue sets no target'));
    if (f.ship.oneDay !== null)
      out.push(target(`ship --once, ${hosts} hosts x 1 day`, shipText(f.ship.oneDay), true, 'a figure: the issue sets no target'));
    const s = f.sizing;
    out.push(
      target(
        `the store per host and day (${fmt(f.rowsPerDay / 1e6)} M records a day)`,
        `5-minute rows: ${bytesText(f.fine.bytes)} (${fmt(f.fine.rows, 0)} rows of groups, ${fmt(f.fine.ispRows, 0)} of isp_groups); hourly rows: ${bytesText(f.hour.bytes)} (${fmt(f.hour.rows, 0)} + ${fmt(f.hour.ispRows, 0)} rows) on disk, system.parts`,
        true,
        'a figure',
      ),
      target(
        `sizing: ${SIZING_FLEET.hosts} hosts, ${SIZING_FLEET.keep.hourDays} days (${RETAIN})`,
        `${bytesText(s.bytes)} on disk (5-minute rows ${bytesText(s.fineBytes)}, hourly ${bytesText(s.hourBytes)}), before replicas`,
        true,
        'a figure',
      ),
    );
    return out;
  },
};
