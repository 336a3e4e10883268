/**
 * The fleet suite's stores, on a two-shard cluster of 18.16 servers (bench/clickhouse/server.ts):
 *
 * - One host's state is built once (bench/state/build.ts: generated days of `--rows` records, each
 *   followed by `tail --once`, keeping 5-minute buckets 7 days), and every simulated host ships a
 *   copy of it under its own name: what ship reads is a real tail state, and the hosts differ in
 *   their label (so in their shard), not in their figures.
 * - `fleet_dD`: H hosts by D days, and `fleet_d1`: H hosts by 1 day (when D > 1), each host shipped
 *   by `pmta-acct ship --once`, two at a time: ship's throughput.
 * - `fleet_h100`: 100 hosts by 1 day for check's per-host verdicts: one host shipped, its rows and
 *   heartbeat copied in ClickHouse under 99 more names (what their ships would have written), three
 *   of them with a heartbeat two days old (silent hosts).
 * - `fleet_1h`: the 1-day state aged into hours (`tail --once` with the clock 8 days on), shipped
 *   and copied to H hosts: the bytes of an hourly host-day, for the sizing.
 *
 * Then every partition is merged (OPTIMIZE FINAL), as background merges leave a store after a while:
 * the reads are measured on a settled store, not on the parts the ships just wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchClickHouse } from '../clickhouse/server.js';
import { benchEnvironment } from '../machine.js';
import { build, runCli } from '../state/build.js';
import type { BenchContext } from '../suite.js';
import { fleetSizing, hostNames, relabelSql, type Sizing } from './plan.js';
import { copyState, shipFleet, type FleetShip } from './ship.js';

export const CLUSTER = 'fleet';
/** The tiers the simulated hosts keep, and the fleet the sizing is for. */
export const RETAIN = '5m=7d,1h=35d';
export const SIZING_FLEET = { hosts: 100, keep: { fineDays: 7, hourDays: 35 } };
export const WIDE_HOSTS = 100;
const SILENT = 3;
/** Inserts through a Distributed table return once the shards have the rows. */
const SYNC = { insert_distributed_sync: 1 };
const DAY = 86400;

export interface Store {
  readonly url: string;
  readonly hosts: readonly string[];
  readonly days: number;
  /** When the verdict windows end: an hour after the last day's records. */
  readonly at: string;
}

export interface FleetFigures {
  readonly rowsPerDay: number;
  readonly stores: { readonly full: Store; readonly oneDay: Store; readonly wide: Store };
  readonly ship: { readonly full: FleetShip; readonly oneDay: FleetShip | null };
  /** On disk (system.parts, both shards: groups, isp_groups, buckets) per host and day, and rows of groups and of isp_groups. */
  readonly fine: Stored;
  readonly hour: Stored;
  readonly sizing: Sizing;
}

function init(servers: readonly BenchClickHouse[], cli: string, hook: string, db: string): void {
  for (const s of servers) {
    const r = runCli({ cli, hook }, ['clickhouse', 'init', '--clickhouse', s.url(db), '--cluster', CLUSTER], 0);
    if (r.code !== 0) throw new Error(`clickhouse init of ${db} failed: ${r.stderr}`);
  }
}

/** Copies host `from`'s rows of every table under the names `to`, through the Distributed tables. */
function relabel(ch: BenchClickHouse, db: string, from: string, to: readonly string[]): void {
  for (const table of ['groups', 'isp_groups', 'buckets', 'heartbeats']) {
    const columns = ch
      .sql(`DESCRIBE TABLE ${db}.${table}_local`)
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[0]);
    ch.sql(relabelSql(db, table, columns, from, to), undefined, SYNC);
  }
}

/**
 * Every partition of a database merged into one part per shard (OPTIMIZE ... FINAL), as ClickHouse's
 * background merges leave a store's closed weeks: read with FINAL, a partition of many fresh parts
 * (each ship round is one) costs several times what a merged one does on 18.16.
 */
function merge(servers: readonly BenchClickHouse[], db: string): void {
  for (const s of servers) {
    const parts = s.sql(`SELECT DISTINCT table, partition_id FROM system.parts WHERE database = '${db}' AND active`).trim();
    for (const line of parts === '' ? [] : parts.split('\n')) {
      const [table, id] = line.split('\t');
      s.sql(`OPTIMIZE TABLE ${db}.${table} PARTITION ID '${id}' FINAL`);
    }
  }
}

export interface Stored {
  readonly bytes: number;
  readonly rows: number;
  readonly ispRows: number;
}

/** Active parts' bytes and rows of a database's local data tables, over every shard. */
function stored(servers: readonly BenchClickHouse[], db: string, grain: string): Stored {
  let bytes = 0;
  let rows = 0;
  let ispRows = 0;
  for (const s of servers) {
    const [b, r, i] = s
      .sql(
        `SELECT sum(bytes_on_disk), sumIf(rows, table = 'groups_local'), sumIf(rows, table = 'isp_groups_local') FROM system.parts WHERE database = '${db}' AND active AND table IN ('groups_local', 'isp_groups_local', 'buckets_local') AND partition LIKE '(''${grain}''%'`,
      )
      .trim()
      .split('\t')
      .map(Number);
    bytes += b;
    rows += r;
    ispRows += i;
  }
  return { bytes, rows, ispRows };
}

function states(root: string, name: string, built: string, hosts: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of hosts) {
    const dir = join(root, name, h);
    copyState(built, dir);
    out.set(h, dir);
  }
  return out;
}

export async function setUpFleet(ctx: BenchContext, servers: readonly BenchClickHouse[], log: (l: string) => void): Promise<FleetFigures> {
  const { hosts: h, days: d } = ctx.fleet;
  const rows = ctx.data.rows;
  const hook = join(ctx.here, 'rss-hook.js');
  const built = await build({
    dir: ctx.data.dataDir,
    rows,
    days: d,
    keep: d === 1 ? [1] : [1, d],
    cli: ctx.cli,
    hook,
    log: (l) => log(l.replace('state scenario', 'fleet suite')),
    tail: ['--retain', RETAIN],
    keepFiles: false,
  });
  const at = (k: number) => new Date(built.nowAfter(k) * 1000).toISOString();
  const env = benchEnvironment().env;
  const names = hostNames(h);
  const root = mkdtempSync(join(tmpdir(), 'pmta-bench-fleet-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const write = servers[0];
  const read = servers[servers.length - 1];
  const ship = async (db: string, name: string, state: string, list: readonly string[]): Promise<FleetShip> => {
    init(servers, ctx.cli, hook, db);
    log(`fleet suite: shipping ${list.length} hosts of ${name} into ${db}`);
    const s = await shipFleet(ctx.cli, write.url(db), env, states(root, name, state, list), ctx.cores);
    rmSync(join(root, name), { recursive: true, force: true });
    return s;
  };
  const one = built.states.get(1) as string;
  const full = await ship(`fleet_d${d}`, `${d}d`, built.states.get(d) as string, names);
  const oneDay = d === 1 ? null : await ship('fleet_d1', '1d', one, names);

  const wideNames = hostNames(WIDE_HOSTS);
  await ship('fleet_h100', '1d-wide', one, wideNames.slice(0, 1));
  log(`fleet suite: copying ${wideNames[0]} as ${WIDE_HOSTS - 1} more hosts in fleet_h100`);
  relabel(write, 'fleet_h100', wideNames[0], wideNames.slice(1));
  const silent = wideNames.slice(-SILENT).map((n) => `'${n}'`);
  write.sql(
    `INSERT INTO fleet_h100.heartbeats (host, shipped_at, acked, latest_event, pending, version) SELECT host, shipped_at - ${2 * DAY}, acked, latest_event, pending, version + 1 FROM fleet_h100.heartbeats FINAL WHERE host IN (${silent.join(', ')})`,
    undefined,
    SYNC,
  );

  // The hourly host-day: the 1-day state aged 8 days on, so its 5-minute buckets are hours.
  const hourly = join(root, 'hourly');
  copyState(one, hourly);
  const aged = runCli(
    { cli: ctx.cli, hook },
    ['tail', built.live, '--state', hourly, '--once', '--retain', RETAIN, '--format', 'ndjson'],
    built.nowAfter(1) + 8 * DAY,
  );
  if (aged.code !== 0) throw new Error(`tail --once ageing the hourly state failed: ${aged.stderr}`);
  await ship('fleet_1h', '1h', hourly, names.slice(0, 1));
  relabel(write, 'fleet_1h', names[0], names.slice(1));

  log('fleet suite: merging each partition into one part');
  for (const db of new Set([`fleet_d${d}`, 'fleet_d1', 'fleet_h100', 'fleet_1h'])) merge(servers, db);
  const fine = stored(servers, `fleet_d${d}`, '5m');
  const hour = stored(servers, 'fleet_1h', '1h');
  const perFine = { bytes: fine.bytes / (h * d), rows: fine.rows / (h * d), ispRows: fine.ispRows / (h * d) };
  const perHour = { bytes: hour.bytes / h, rows: hour.rows / h, ispRows: hour.ispRows / h };
  const store = (db: string, list: readonly string[], days: number): Store => ({ url: read.url(db), hosts: list, days, at: at(days) });
  return {
    rowsPerDay: rows,
    stores: {
      full: store(`fleet_d${d}`, names, d),
      oneDay: store(d === 1 ? `fleet_d${d}` : 'fleet_d1', names, 1),
      wide: store('fleet_h100', wideNames, 1),
    },
    ship: { full, oneDay },
    fine: perFine,
    hour: perHour,
    sizing: fleetSizing(SIZING_FLEET.hosts, { fine: perFine.bytes, hour: perHour.bytes }, SIZING_FLEET.keep),
  };
}
