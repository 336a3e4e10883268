/**
 * Reading the stored rollup of a tiered state, bounded by the question: only the buckets of the
 * range asked (an index range per tier), only the key columns asked (and the histograms only when
 * asked), regrouped row by row into the output rollup as SQLite hands the rows over. Memory follows
 * the groups of the answer, not the rows stored: a month of 5-minute groups by isp, ip, vmta and
 * pool read `--by isp` is a few dozen groups in memory, however many rows went by.
 */
import type { BucketSize } from '../rollup/buckets.js';
import { COUNTER_NAMES, STRIDE } from '../rollup/counters.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { decodeHexHistInto } from './hist-codec.js';
import { stateKeyColumns, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';
import type { Tier } from './tiers.js';

/** A stored time range: buckets whose start is in [since, until); null ends are open. */
export interface BucketRange {
  readonly since: number | null;
  readonly until: number | null;
}

export interface ReadSpec {
  /** Dimensions of the answer (a subset of the state's), in its key order. */
  readonly dims: readonly string[];
  /** The answer's bucket for a stored bucket start of a tier; null: no time buckets. */
  readonly bucketOf: ((start: number, tier: Tier) => number) | null;
  /** Read the latency histograms too. */
  readonly hist: boolean;
  /** Add to this (empty) rollup keyed by `dims` rather than a new one (a caller reading often reuses its arrays). */
  readonly into?: Rollup;
}

function rangeWhere(range: BucketRange | null): { sql: string; params: number[] } {
  if (range === null) return { sql: '', params: [] };
  const where = ['bucket <> ?'];
  const params = [UNTIMED_BUCKET];
  if (range.since !== null) {
    where.push('bucket >= ?');
    params.push(range.since);
  }
  if (range.until !== null) {
    where.push('bucket < ?');
    params.push(range.until);
  }
  return { sql: ` WHERE ${where.join(' AND ')}`, params };
}

/** The dimension values the state gave ids to, for one dimension: value by id. */
function valuesOf(db: Db, dim: number): string[] {
  const out: string[] = [];
  for (const row of db.prepare('SELECT id, value FROM dim_values WHERE dim = ?').iterate(dim) as Iterable<{ id: number; value: string }>)
    out[row.id] = row.value;
  return out;
}

/**
 * The stored groups of `tiers` in `range` (null: everything, records without a time included, in
 * no bucket), regrouped to `spec` while they are read.
 */
export function readRollup(db: Db, config: StateConfig, tiers: readonly Tier[], range: BucketRange | null, spec: ReadSpec): Rollup {
  const cols = stateKeyColumns(config);
  const dimAt = spec.dims.map((d) => {
    const i = config.dims.indexOf(d);
    if (i < 0) throw new Error(`readRollup: ${d} is not kept by this state (${config.dims.join(',')})`);
    return i;
  });
  const out = spec.into ?? new Rollup(spec.dims);
  const values = dimAt.map((i) => valuesOf(db, i));
  // state id → answer id, per dimension (-1: not seen yet)
  const ids = dimAt.map((_, d) => new Int32Array(values[d].length).fill(-1));
  const key = out.key;
  const k = dimAt.length;
  const histAt = 1 + k + STRIDE;
  const { sql, params } = rangeWhere(range);
  const keys = dimAt.map((i) => cols[i]);
  // Without histograms SQLite sums the counters itself, by stored bucket and the asked key (about
  // half the time of handing every row to JavaScript: a check reads 24 h of 5-minute groups as a
  // few thousand sums). Histograms are merged here, row by row (hist_merge per group costs more),
  // read as hex text: a blob becomes a Buffer per row, the slowest part of a read.
  const query = spec.hist
    ? `SELECT ${['bucket', ...keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hex(hist)'].join(', ')} FROM %s${sql}`
    : `SELECT ${['bucket', ...keys, ...COUNTER_NAMES.map((n) => `sum("${n}")`)].join(', ')} FROM %s${sql} GROUP BY ${['bucket', ...keys].join(', ')}`;
  for (const tier of tiers) {
    const stmt = db.prepare(query.replace('%s', tier.groups)).raw(true);
    let lastStart = Number.NaN;
    let lastId = -1;
    for (const row of stmt.iterate(...params) as Iterable<number[]>) {
      const start = row[0];
      if (start !== lastStart) {
        lastStart = start;
        lastId = out.bucketId(start === UNTIMED_BUCKET || spec.bucketOf === null ? NO_BUCKET : spec.bucketOf(start, tier));
      }
      key[0] = lastId;
      for (let d = 0; d < k; d++) {
        const v = row[1 + d];
        let id = ids[d][v];
        if (id < 0) {
          id = out.dicts[d].id(values[d][v]);
          ids[d][v] = id;
        }
        key[1 + d] = id;
      }
      const g = out.group();
      out.addCounts(g, row, 1 + k);
      if (spec.hist) {
        const hex: unknown = row[histAt];
        if (typeof hex === 'string' && hex.length > 0) {
          const base = out.histBase(g); // may grow out.hist: take the array after
          decodeHexHistInto(hex, out.hist, base);
        }
      }
    }
  }
  return out;
}

export interface RangeStats {
  /** Records counted in the range (with a time), and elsewhere. */
  readonly counted: number;
  readonly outside: number;
  /** Records without a time column. */
  readonly untimed: number;
  readonly firstEvent: number | null;
  readonly lastEvent: number | null;
}

/** Counts and event span of a range (null: all), from the per-bucket rows (one per bucket, not per group). */
export function rangeStats(db: Db, tiers: readonly Tier[], range: BucketRange | null): RangeStats {
  const { sql, params } = rangeWhere(range ?? { since: null, until: null });
  let counted = 0;
  let timed = 0;
  let untimed = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const tier of tiers) {
    const inside = db
      .prepare(`SELECT coalesce(sum(counted), 0) AS n, min(first_event) AS first, max(last_event) AS last FROM ${tier.buckets}${sql}`)
      .get(...params) as { n: number; first: number | null; last: number | null };
    const all = db
      .prepare(`SELECT coalesce(sum(counted), 0) AS n, coalesce(sum(CASE WHEN bucket = ? THEN counted END), 0) AS u FROM ${tier.buckets}`)
      .get(UNTIMED_BUCKET) as { n: number; u: number };
    counted += inside.n;
    timed += all.n - all.u;
    untimed += all.u;
    if (inside.first !== null && (first === null || inside.first < first)) first = inside.first;
    if (inside.last !== null && (last === null || inside.last > last)) last = inside.last;
  }
  // With no range, records without a time are counted too (in no bucket).
  return { counted: counted + (range === null ? untimed : 0), outside: timed - counted, untimed, firstEvent: first, lastEvent: last };
}

/** What a tier holds in a range: its first and last bucket start (null when it holds none there). */
export interface TierSpan {
  readonly tier: Tier;
  readonly first: number;
  readonly last: number;
}

export function tierSpans(db: Db, tiers: readonly Tier[], range: BucketRange | null): TierSpan[] {
  const { sql, params } = rangeWhere(range ?? { since: null, until: null });
  const out: TierSpan[] = [];
  for (const tier of tiers) {
    const r = db.prepare(`SELECT min(bucket) AS first, max(bucket) AS last FROM ${tier.buckets}${sql}`).get(...params) as {
      first: number | null;
      last: number | null;
    };
    if (r.first !== null && r.last !== null) out.push({ tier, first: r.first, last: r.last });
  }
  return out;
}

/**
 * The start of the stored bucket that holds instant t strictly inside it (t itself when none
 * does), and that bucket's grain: the earliest such start over the tiers that have that bucket.
 */
export function storedEdge(db: Db, tiers: readonly Tier[], t: number): { start: number; grain: BucketSize } {
  let edge = { start: t, grain: tiers[0].grain };
  for (const tier of tiers) {
    const start = tier.bucketing.start(t);
    if (start === t || start >= edge.start) continue;
    // Tier 0 moves the edge whether or not it holds that bucket yet (a tail may be writing it).
    const held = tier.index === 0 || db.prepare(`SELECT 1 FROM ${tier.buckets} WHERE bucket = ?`).get(start) !== undefined;
    if (held) edge = { start, grain: tier.grain };
  }
  return edge;
}

/**
 * Where the finest tier holds everything from: the end of the last bucket a coarser tier holds
 * (minus infinity when they hold none). Windows that reach before it cannot be judged at the
 * finest grain.
 */
export function fineFrom(db: Db, tiers: readonly Tier[]): number {
  let from = Number.NEGATIVE_INFINITY;
  for (const tier of tiers.slice(1)) {
    const last = (db.prepare(`SELECT max(bucket) AS b FROM ${tier.buckets} WHERE bucket <> ?`).get(UNTIMED_BUCKET) as { b: number | null })
      .b;
    if (last !== null) from = Math.max(from, tier.bucketing.next(last));
  }
  return from;
}

/** Earliest and latest event time stored, over every tier (epoch seconds), null when nothing timed is. */
export function storedEventSpan(db: Db, tiers: readonly Tier[]): { readonly first: number | null; readonly last: number | null } {
  const s = rangeStats(db, tiers, { since: null, until: null });
  return { first: s.firstEvent, last: s.lastEvent };
}
