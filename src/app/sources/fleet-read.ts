/**
 * Reading the fleet store (src/clickhouse/schema.ts) into the one Rollup: ClickHouse aggregates,
 * grouped by the asked dimensions (`host` among them) and, when asked, by stored bucket;
 * histograms are summed there too (sumMap of the sparse bins). The tool receives groups, never the
 * stored rows: a week of 20 hosts read `--by host,isp` is a few hundred groups.
 *
 * Which rows count (each (host, grain, bucket, key) once, at its latest copy): from schema 5 every
 * insert attempt of `ship` has its own version and a bucket's rows of one version are one insert
 * block, so the rows at a bucket's highest version are its latest complete copy, before or after
 * any merge; they are picked by `(host, grain, bucket, version) IN (SELECT ..., max(version) ...
 * GROUP BY host, grain, bucket)` over each shard's local table, without `grain` where the read
 * names one (a host's rows are on one shard),
 * both passes multi-threaded. Older stores (an earlier ship re-sent a lost insert at the same
 * version) are read with FINAL, one merging stream per shard on 18.16. Deleted rows are
 * withdrawals. Which tier of an hour counts: fleet-tiers.ts. Reads of the judged counters by host
 * and ISP at most (the verdicts' bands and the incidents' series) take `isp_groups` (schema 6) the
 * same way, at its own buckets' latest copies (`tableFor`).
 */
import type { ClickHouse, Settings } from '../../clickhouse/connection.js';
import { ISP_COUNTERS, ISP_GROUPS_SCHEMA, KEY_COLUMNS, LATEST_COPY_SCHEMA } from '../../clickhouse/schema.js';
import { sqlInt, sqlLabels } from '../../clickhouse/sql.js';
import { storeSchema } from '../../clickhouse/store-schema.js';
import { TsvReader, tsvNumberArray, tsvUnescape } from '../../clickhouse/tsv.js';
import { PmtaAcctError } from '../../errors.js';
import { COUNTER_NAMES, STRIDE, type CounterName } from '../../rollup/counters.js';
import { NO_BUCKET, Rollup } from '../../rollup/rollup.js';
import { tierArms, tierCondition, type TierRule, type TierScope } from './fleet-tiers.js';

/** A fleet store as read: its database, where each shard keeps its rows, and how rows are picked. */
export interface FleetStore {
  readonly ch: ClickHouse;
  readonly db: string;
  /** `groups` and `buckets` on each shard (`*_local` under Distributed tables, else the tables). */
  readonly groupsLocal: string;
  readonly bucketsLocal: string;
  /** Schema 5 and later: each bucket's latest copy by its highest version; else FINAL. */
  readonly latestCopy: boolean;
  /** Schema 6 and later: `isp_groups` on each shard, for reads by host and ISP of the judged counters; else null. */
  readonly ispGroupsLocal: string | null;
}

/** Reads what a store is (schema, Distributed or plain) once, for every read after. */
export async function openFleetStore(ch: ClickHouse): Promise<FleetStore> {
  const db = ch.target.database;
  const [schema, engines] = await Promise.all([
    storeSchema(ch),
    ch.select<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = '${db}' AND name = 'groups'`),
  ]);
  const local = engines[0]?.engine === 'Distributed' ? '_local' : '';
  return {
    ch,
    db,
    groupsLocal: `groups${local}`,
    bucketsLocal: `buckets${local}`,
    latestCopy: schema >= LATEST_COPY_SCHEMA,
    ispGroupsLocal: schema >= ISP_GROUPS_SCHEMA ? `isp_groups${local}` : null,
  };
}

/** Dimensions a fleet question may group by: the host, then every stored key column. */
export const FLEET_DIMS: readonly string[] = ['host', ...KEY_COLUMNS];

/**
 * FINAL collapses versions per shard before the WHERE when the condition stays a WHERE; moved to
 * PREWHERE it would filter first and let an older version of a withdrawn row through.
 */
export const READ_SETTINGS: Settings = { optimize_move_to_prewhere: 0 };

/** Which stored rows a read covers. */
export interface FleetFilter {
  /** `--hosts`: these hosts only (null: all). */
  readonly hosts: readonly string[] | null;
  /** Stored bucket starts in [since, until); null ends are open. */
  readonly since: number | null;
  readonly until: number | null;
  /** One grain only (verdict windows read the finest); null: one tier per host and hour by `tiers`. */
  readonly grain?: string | null;
  /** Which tier of an hour held in two counts (default: whole hours from 1h rows). */
  readonly tiers?: TierRule;
}

/** The range and hosts, without the tier choice or `deleted`. */
function rangeOf(f: FleetFilter): string[] {
  const w: string[] = [];
  if (f.hosts !== null) w.push(`host IN (${sqlLabels(f.hosts, '--hosts')})`);
  if (f.since !== null) w.push(`bucket >= ${sqlInt(f.since)}`);
  if (f.until !== null) w.push(`bucket < ${sqlInt(f.until)}`);
  if (f.grain !== undefined && f.grain !== null) w.push(`grain = ${sqlLabels([f.grain], 'grain')}`);
  return w;
}

function tierScope(store: FleetStore, f: FleetFilter): TierScope {
  return { db: store.db, bucketsLocal: store.bucketsLocal, hosts: f.hosts, since: f.since, until: f.until };
}

/** The live rows under `f`, one tier per host and hour (a condition on host, grain, bucket, deleted). */
export function whereOf(store: FleetStore, f: FleetFilter): string {
  const w = ['deleted = 0', ...rangeOf(f)];
  if (f.grain === undefined || f.grain === null) w.push(tierCondition(f.tiers ?? { prefer: 'hours' }, tierScope(store, f)));
  return w.join(' AND ');
}

/** A table read at each bucket's latest copy: as queried, and on each shard. */
export interface GroupsTable {
  readonly name: string;
  readonly local: string;
}

/**
 * The table a read of `spec` takes: `isp_groups` (schema 6) where it holds all the read needs (by
 * host and ISP at most, judged counters only, no histogram: the verdicts' bands and the incidents'
 * series of plans by ISP), 19x fewer rows a week than `groups`; else `groups`. Each is read at its
 * own buckets' latest copies: killed between a round's two inserts, `isp_groups`' newest copy of a
 * bucket is the previous complete one until the round goes again (never versions taken from
 * `buckets`: by then a merge may have replaced the older rows of `groups`).
 */
export function tableFor(store: FleetStore, spec: FleetReadSpec): GroupsTable {
  const narrow = store.ispGroupsLocal;
  const fits =
    !spec.hist &&
    spec.dims.every((d) => d === 'host' || d === 'isp') &&
    spec.counters !== undefined &&
    spec.counters.every((c) => ISP_COUNTERS.includes(c));
  return narrow !== null && fits ? { name: 'isp_groups', local: narrow } : { name: 'groups', local: store.groupsLocal };
}

/**
 * `groups` (or `table`) under `f`, each bucket's rows at their latest copy: the FROM ... WHERE of the reads whose
 * groups add up to the answer. One read per tier (fleet-tiers.ts tierArms) where a read spans tiers:
 * a condition that names its grains and buckets lets ClickHouse skip the other partitions and
 * granules, which one condition OR-ing the tiers does not (a week's report then read every 5-minute
 * row to take the hours' rows). The latest copy is picked among the same rows.
 */
export function groupsFrom(store: FleetStore, f: FleetFilter, table: GroupsTable = { name: 'groups', local: store.groupsLocal }): string[] {
  if (!store.latestCopy) return [`FROM ${store.db}.${table.name} FINAL WHERE ${whereOf(store, f)}`];
  const range = rangeOf(f);
  const reads: { where: string[]; grain: string | null }[] =
    f.grain === undefined || f.grain === null
      ? tierArms(f.tiers ?? { prefer: 'hours' }, tierScope(store, f)).map((arm) => ({
          where: [...range, `(${arm.where})`],
          grain: arm.grain,
        }))
      : [{ where: range, grain: f.grain }];
  return reads.map(({ where: w, grain }) => {
    // A read of one grain keys its buckets without it: a shorter tuple to hash for every row
    // (the set is probed per row; measured 8-20% of such a read's server time on 18.16).
    const bucketKey = grain === null ? 'host, grain, bucket' : 'host, bucket';
    const latest = `SELECT ${bucketKey}, max(version) FROM ${store.db}.${table.local}${w.length > 0 ? ` WHERE ${w.join(' AND ')}` : ''} GROUP BY ${bucketKey}`;
    return `FROM ${store.db}.${table.name} WHERE (${bucketKey}, version) IN (${latest}) AND ${['deleted = 0', ...w].join(' AND ')}`;
  });
}

export interface FleetReadSpec {
  /** The answer's dimensions (from FLEET_DIMS), in key order. */
  readonly dims: readonly string[];
  /** The answer's bucket for a stored (grain, bucket start); null: no time buckets. */
  readonly bucketOf: ((start: number, grain: string) => number) | null;
  readonly hist: boolean;
  /**
   * Sum stored buckets per band instead (ascending band starts; a bucket goes to the last band at
   * or before its start, reported as that band's start): verdict windows are whole bands, so one
   * group per key and band is read where a bucket series would be hundreds (`bucketOf` unused).
   */
  readonly bands?: readonly number[];
  /** Only these counters are summed, the others left at 0 (verdict windows: JUDGED_COUNTERS); default all. */
  readonly counters?: readonly CounterName[];
}

/** The band start of each stored bucket, as SQL. */
function bandSql(bands: readonly number[]): string {
  if (bands.length === 0) throw new Error('readFleetRollup: no bands');
  if (bands.length === 1) return `toUInt32(${sqlInt(bands[0])})`;
  const arms = bands
    .slice(1)
    .reverse()
    .map((b) => `bucket >= ${sqlInt(b)}, ${sqlInt(b)}`);
  return `multiIf(${arms.join(', ')}, ${sqlInt(bands[0])})`;
}

/** `([bins],[counts])`, a sumMap's tuple as TabSeparated writes it: the bins and their counts. */
function histOf(field: string): [number[], number[]] {
  const mid = field.indexOf('],[');
  if (!field.startsWith('([') || !field.endsWith('])') || mid < 0)
    throw new PmtaAcctError('CLICKHOUSE', `the server's answer could not be read (not a histogram): ${field.slice(0, 200)}`);
  return [tsvNumberArray(field.slice(1, mid + 1)), tsvNumberArray(field.slice(mid + 2, -1))];
}

/** The store's groups under `filter`, summed in ClickHouse by `spec`. */
export async function readFleetRollup(store: FleetStore, filter: FleetFilter, spec: FleetReadSpec): Promise<Rollup> {
  for (const d of spec.dims) if (!FLEET_DIMS.includes(d)) throw new Error(`readFleetRollup: ${d} is not a fleet dimension`);
  const bands = spec.bands;
  const time = bands !== undefined ? ['band'] : spec.bucketOf === null ? [] : ['grain', 'bucket'];
  const keys = [...time, ...spec.dims];
  const summed = spec.counters ?? COUNTER_NAMES;
  const cols = [
    ...(bands === undefined ? [] : [`${bandSql(bands)} AS band`]),
    ...keys.filter((k) => k !== 'band'),
    ...summed.map((n) => `sum(${n}) AS ${n}`),
  ];
  if (spec.hist) cols.push('sumMap(hist_bins, hist_counts) AS hist');
  const group = keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : '';
  // The reads run side by side; their groups are summed here (a key may come from more than one).
  // TabSeparated: a week's series is 30,000 groups, read as fields without an object per row.
  const answers = await Promise.all(
    groupsFrom(store, filter, tableFor(store, spec)).map((from) =>
      store.ch.selectTsv(`SELECT ${cols.join(', ')} ${from}${group}`, READ_SETTINGS),
    ),
  );
  const out = new Rollup(spec.dims);
  const counts = new Float64Array(STRIDE);
  const at = summed.map((n) => COUNTER_NAMES.indexOf(n));
  const lastCounter = at.length - 1;
  for (const text of answers) {
    const r = new TsvReader(text);
    while (!r.done) {
      let start = NO_BUCKET;
      if (bands !== undefined) start = r.number();
      else if (spec.bucketOf !== null) {
        const grain = tsvUnescape(r.field());
        start = spec.bucketOf(r.number(), grain);
      }
      out.key[0] = out.bucketId(start);
      for (let i = 0; i < spec.dims.length; i++) out.key[1 + i] = out.dicts[i].id(tsvUnescape(r.field()));
      for (let i = 0; i < lastCounter; i++) counts[at[i]] = r.number();
      let hist: string | null = null;
      if (spec.hist) {
        counts[at[lastCounter]] = r.number();
        hist = r.last();
      } else counts[at[lastCounter]] = Number(r.last());
      const g = out.group();
      out.addCounts(g, counts, 0);
      if (hist === null) continue;
      const [bins, values] = histOf(hist);
      if (bins.length === 0) continue;
      const base = out.histBase(g); // may grow out.hist: take the array after
      for (let i = 0; i < bins.length; i++) out.hist[base + bins[i]] += values[i];
    }
  }
  return out;
}

export interface FleetStats {
  readonly counted: number;
  readonly firstEvent: number | null;
  readonly lastEvent: number | null;
}

/** Records counted and their event span under `filter`, from the per-bucket rows (small: FINAL). */
export async function readFleetStats(store: FleetStore, filter: FleetFilter): Promise<FleetStats> {
  const rows = await store.ch.select<{ n: number; first: number; last: number; buckets: number }>(
    `SELECT sum(counted) AS n, min(first_event) AS first, max(last_event) AS last, count() AS buckets FROM ${store.db}.buckets FINAL WHERE ${whereOf(store, filter)} AND counted > 0`,
    READ_SETTINGS,
  );
  const r = rows[0];
  if (r === undefined || r.buckets === 0) return { counted: 0, firstEvent: null, lastEvent: null };
  return { counted: r.n, firstEvent: r.first, lastEvent: r.last };
}

/** Seconds of each stored grain, as SQL (a state's tiers use these). */
const GRAIN_SECONDS = "multiIf(grain = '1m', 60, grain = '5m', 300, grain = '15m', 900, grain = '1h', 3600, 86400)";

/**
 * Where a range edge falls in the store: per host, the start of its finest stored bucket that
 * holds `t` (a 5-minute bucket where the state still has them, else the hour or day it rolled
 * into); the earliest of the hosts' starts, else `t` itself.
 */
export async function fleetEdge(store: FleetStore, hosts: readonly string[] | null, t: number): Promise<number> {
  const where = ['deleted = 0', ...rangeOf({ hosts, since: null, until: null })];
  const rows = await store.ch.select<{ s: number; n: number }>(
    `SELECT min(s) AS s, count() AS n FROM (SELECT host, max(bucket) AS s FROM ${store.db}.buckets FINAL WHERE ${where.join(' AND ')} AND bucket <= ${sqlInt(t)} AND bucket + ${GRAIN_SECONDS} > ${sqlInt(t)} GROUP BY host)`,
    READ_SETTINGS,
  );
  const r = rows[0];
  return r === undefined || r.n === 0 ? t : Math.min(t, r.s);
}

/** The grains stored under `filter`, finest first. */
export async function fleetGrains(store: FleetStore, filter: FleetFilter): Promise<string[]> {
  const where = ['deleted = 0', ...rangeOf(filter)];
  const rows = await store.ch.select<{ grain: string; s: number }>(
    `SELECT grain, any(${GRAIN_SECONDS}) AS s FROM ${store.db}.buckets FINAL WHERE ${where.join(' AND ')} GROUP BY grain ORDER BY s`,
    READ_SETTINGS,
  );
  return rows.map((r) => r.grain);
}
