/**
 * Reading the fleet store (src/clickhouse/schema.ts) into the one Rollup: ClickHouse aggregates
 * (FINAL, so each (host, grain, bucket, key) counts once at its latest version; deleted rows are
 * withdrawals), grouped by the asked dimensions (`host` among them) and, when asked, by stored
 * bucket; histograms are summed there too (sumMap of the sparse bins). The tool receives groups,
 * never the stored rows: a week of 20 hosts read `--by host,isp` is a few hundred groups.
 *
 * Every bucket of a host is in exactly one tier (grain) at a time (ship withdraws it from the finer
 * one when the state rolls it up), so summing over grains counts each record once.
 */
import type { ClickHouse, Settings } from '../../clickhouse/connection.js';
import { KEY_COLUMNS } from '../../clickhouse/schema.js';
import { sqlInt, sqlLabels } from '../../clickhouse/sql.js';
import { COUNTER_NAMES, STRIDE } from '../../rollup/counters.js';
import { NO_BUCKET, Rollup } from '../../rollup/rollup.js';

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
  /** One grain only (verdict windows read the finest); null: every grain. */
  readonly grain?: string | null;
}

export function whereOf(f: FleetFilter): string {
  const w = ['deleted = 0'];
  if (f.hosts !== null) w.push(`host IN (${sqlLabels(f.hosts, '--hosts')})`);
  if (f.since !== null) w.push(`bucket >= ${sqlInt(f.since)}`);
  if (f.until !== null) w.push(`bucket < ${sqlInt(f.until)}`);
  if (f.grain !== undefined && f.grain !== null) w.push(`grain = ${sqlLabels([f.grain], 'grain')}`);
  return w.join(' AND ');
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

type GroupRow = Record<string, string | number | [number[], number[]]>;

/** The store's groups under `filter`, summed in ClickHouse by `spec`. */
export async function readFleetRollup(ch: ClickHouse, filter: FleetFilter, spec: FleetReadSpec): Promise<Rollup> {
  for (const d of spec.dims) if (!FLEET_DIMS.includes(d)) throw new Error(`readFleetRollup: ${d} is not a fleet dimension`);
  const bands = spec.bands;
  const time = bands !== undefined ? ['band'] : spec.bucketOf === null ? [] : ['grain', 'bucket'];
  const keys = [...time, ...spec.dims];
  const cols = [
    ...(bands === undefined ? [] : [`${bandSql(bands)} AS band`]),
    ...keys.filter((k) => k !== 'band'),
    ...COUNTER_NAMES.map((n) => `sum(${n}) AS ${n}`),
  ];
  if (spec.hist) cols.push('sumMap(hist_bins, hist_counts) AS hist');
  const sql = `SELECT ${cols.join(', ')} FROM ${ch.target.database}.groups FINAL WHERE ${whereOf(filter)}${keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : ''}`;
  const rows = await ch.select<GroupRow>(sql, READ_SETTINGS);
  const out = new Rollup(spec.dims);
  const counts = new Float64Array(STRIDE);
  for (const row of rows) {
    const start =
      bands !== undefined ? Number(row.band) : spec.bucketOf === null ? NO_BUCKET : spec.bucketOf(Number(row.bucket), String(row.grain));
    out.key[0] = out.bucketId(start);
    spec.dims.forEach((d, i) => {
      out.key[1 + i] = out.dicts[i].id(String(row[d]));
    });
    const g = out.group();
    COUNTER_NAMES.forEach((n, i) => {
      counts[i] = Number(row[n]);
    });
    out.addCounts(g, counts, 0);
    const hist = row.hist;
    if (Array.isArray(hist) && hist[0].length > 0) {
      const base = out.histBase(g); // may grow out.hist: take the array after
      const [bins, values] = hist;
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

/** Records counted and their event span under `filter`, from the per-bucket rows. */
export async function readFleetStats(ch: ClickHouse, filter: FleetFilter): Promise<FleetStats> {
  const rows = await ch.select<{ n: number; first: number; last: number; buckets: number }>(
    `SELECT sum(counted) AS n, min(first_event) AS first, max(last_event) AS last, count() AS buckets FROM ${ch.target.database}.buckets FINAL WHERE ${whereOf(filter)} AND counted > 0`,
    READ_SETTINGS,
  );
  const r = rows[0];
  if (r === undefined || r.buckets === 0) return { counted: 0, firstEvent: null, lastEvent: null };
  return { counted: r.n, firstEvent: r.first, lastEvent: r.last };
}

/** Seconds of each stored grain, as SQL (a state's tiers use these). */
const GRAIN_SECONDS = "multiIf(grain = '1m', 60, grain = '5m', 300, grain = '15m', 900, grain = '1h', 3600, 86400)";

/**
 * Where a range edge falls in the store: the earliest start of a stored bucket that holds `t`
 * (a coarser tier's bucket starts before it), else `t` itself.
 */
export async function fleetEdge(ch: ClickHouse, hosts: readonly string[] | null, t: number): Promise<number> {
  const rows = await ch.select<{ s: number; n: number }>(
    `SELECT min(bucket) AS s, count() AS n FROM ${ch.target.database}.buckets FINAL WHERE ${whereOf({ hosts, since: null, until: null })} AND bucket <= ${sqlInt(t)} AND bucket + ${GRAIN_SECONDS} > ${sqlInt(t)}`,
    READ_SETTINGS,
  );
  const r = rows[0];
  return r === undefined || r.n === 0 ? t : Math.min(t, r.s);
}

/** The grains stored under `filter`, finest first. */
export async function fleetGrains(ch: ClickHouse, filter: FleetFilter): Promise<string[]> {
  const rows = await ch.select<{ grain: string; s: number }>(
    `SELECT grain, any(${GRAIN_SECONDS}) AS s FROM ${ch.target.database}.buckets FINAL WHERE ${whereOf(filter)} GROUP BY grain ORDER BY s`,
    READ_SETTINGS,
  );
  return rows.map((r) => r.grain);
}
