/**
 * Reading the stored rollup of a tiered state, bounded by the question: only the buckets of the
 * range asked (an index range per tier), only the key columns asked (and the histograms only when
 * asked), summed by SQLite per answer bucket and key before JavaScript sees them. Memory and the
 * rows handed over follow the groups of the answer, not the rows stored: a month of 5-minute groups
 * by isp, ip, vmta and pool read `--by isp` is a few dozen sums, however many rows SQLite added.
 */
import type { BucketSize } from '../rollup/buckets.js';
import { COUNTER_NAMES, STRIDE } from '../rollup/counters.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { decodeHexHistInto, decodeHistInto, encodeHist } from './hist-codec.js';
import { BINS } from '../rollup/latency.js';
import { stateKeyColumns, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';
import type { Tier } from './tiers.js';
import { piecesOf, type Layout, type Piece } from './layout.js';

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

/** The WHERE clause of a piece (state/layout.ts): its range without the untimed bucket, or that bucket alone. */
function pieceWhere(p: Pick<Piece, 'since' | 'until' | 'untimed'>): { sql: string; params: number[] } {
  if (p.untimed) return { sql: ' WHERE bucket = ?', params: [UNTIMED_BUCKET] };
  const where = ['bucket <> ?'];
  const params = [UNTIMED_BUCKET];
  if (Number.isFinite(p.since)) {
    where.push('bucket >= ?');
    params.push(p.since);
  }
  if (Number.isFinite(p.until)) {
    where.push('bucket < ?');
    params.push(p.until);
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

const withHistSum = new WeakSet<Db>();

/**
 * `hist_hex_sum(hex(hist))`: the sum of a column of encoded histograms, as an encoded histogram
 * (null when all are empty). It takes SQLite's hex text, not the blob: a blob argument becomes a
 * Buffer per row, which cost twice the whole aggregation (bench/RESULTS.md, the state section).
 */
function registerHistSum(db: Db): void {
  if (withHistSum.has(db)) return;
  withHistSum.add(db);
  db.aggregate<Uint32Array | null>('hist_hex_sum', {
    start: () => null,
    step: (bins, hex: unknown) => {
      if (typeof hex !== 'string' || hex.length === 0) return bins;
      const into = bins ?? new Uint32Array(BINS);
      decodeHexHistInto(hex, into, 0);
      return into;
    },
    result: (bins) => (bins === null ? null : encodeHist(bins, 0)),
  });
}

/** Stored buckets [first, last] of a tier that all go to one bucket of the answer. */
interface Run {
  readonly first: number;
  readonly last: number;
  /** The answer's bucket (NO_BUCKET: none). */
  readonly out: number;
}

/**
 * The runs of a tier's stored buckets in `range` that share an answer bucket (oldest first), or
 * null when each stored bucket is its own answer bucket (read in one pass, in stored order). The
 * starts come from the tier's per-bucket table, one row per bucket that holds groups (written in the
 * same commit, moved in the same transaction; the aging finds buckets there too): a pass over the
 * groups for them cost up to a tenth of a check.
 */
function runsOf(
  db: Db,
  tier: Tier,
  where: { sql: string; params: number[] },
  bucketOf: (start: number, tier: Tier) => number,
): Run[] | null {
  const runs: Run[] = [];
  let stored = 0;
  for (const start of db
    .prepare(`SELECT bucket FROM ${tier.buckets}${where.sql} ORDER BY bucket`)
    .pluck()
    .iterate(...where.params) as Iterable<number>) {
    stored++;
    const out = start === UNTIMED_BUCKET ? NO_BUCKET : bucketOf(start, tier);
    const last = runs.at(-1);
    if (last !== undefined && Object.is(last.out, out)) runs[runs.length - 1] = { ...last, last: start };
    else runs.push({ first: start, last: start, out });
  }
  return runs.length < stored ? runs : null;
}

/**
 * The stored groups of `tiers` in `range` (null: everything, records without a time included, in
 * no bucket), regrouped to `spec` while they are read.
 *
 * SQLite sums them, per answer bucket and asked key: the counters with sum(), the histograms with
 * hist_hex_sum, so the rows that reach JavaScript are the groups of the answer (a week of a 1 M-record
 * server by isp,ip: 222,000 stored rows, 710 sums), not the rows stored. An answer bucket that
 * spans several stored ones (no --bucket, or an hour of 5-minute buckets) is one query over their
 * run; where each stored bucket is its own, one query groups by the stored bucket too (the key's
 * order: no sort).
 */
/** One tier's rows in a range (a caller that knows which tier it wants: the newest buckets, a closed one). */
export function tierPiece(tier: Tier, range: { since: number; until: number }): Piece {
  return { tier, since: range.since, until: range.until, untimed: false };
}

export function readRollup(db: Db, config: StateConfig, pieces: readonly Piece[], spec: ReadSpec): Rollup {
  const cols = stateKeyColumns(config);
  const dimAt = spec.dims.map((d) => {
    const i = config.dims.indexOf(d);
    if (i < 0) throw new Error(`readRollup: ${d} is not kept by this state (${config.dims.join(',')})`);
    return i;
  });
  if (spec.hist) registerHistSum(db);
  const out = spec.into ?? new Rollup(spec.dims);
  const values = dimAt.map((i) => valuesOf(db, i));
  // state id → answer id, per dimension (-1: not seen yet)
  const ids = dimAt.map((_, d) => new Int32Array(values[d].length).fill(-1));
  const key = out.key;
  const k = dimAt.length;
  const keys = dimAt.map((i) => cols[i]);
  const sums = [...COUNTER_NAMES.map((n) => `sum("${n}")`), ...(spec.hist ? ['hist_hex_sum(hex(hist))'] : [])];

  /** Add summed rows (key columns from `at`, then counters, then the histogram) to answer bucket id `bucket` (-1: the row's first column's). */
  const add = (rows: Iterable<unknown[]>, at: number, bucket: number, tier: Tier): void => {
    let lastStart = Number.NaN;
    let lastId = bucket;
    for (const row of rows) {
      if (bucket < 0) {
        const start = row[0] as number;
        if (start !== lastStart) {
          lastStart = start;
          lastId = out.bucketId(start === UNTIMED_BUCKET || spec.bucketOf === null ? NO_BUCKET : spec.bucketOf(start, tier));
        }
      }
      key[0] = lastId;
      for (let d = 0; d < k; d++) {
        const v = row[at + d] as number;
        let id = ids[d][v];
        if (id < 0) {
          id = out.dicts[d].id(values[d][v]);
          ids[d][v] = id;
        }
        key[1 + d] = id;
      }
      const g = out.group();
      out.addCounts(g, row as number[], at + k);
      const hist = spec.hist ? row[at + k + STRIDE] : null;
      if (hist instanceof Uint8Array || (typeof hist === 'string' && hist.length > 0)) {
        const base = out.histBase(g); // may grow out.hist: take the array after
        if (typeof hist === 'string') decodeHexHistInto(hist, out.hist, base);
        else decodeHistInto(hist, out.hist, base);
      }
    }
  };

  for (const piece of pieces) {
    const tier = piece.tier;
    const where = pieceWhere(piece);
    const runs =
      spec.bucketOf === null ? [{ first: Number.NaN, last: Number.NaN, out: NO_BUCKET }] : runsOf(db, tier, where, spec.bucketOf);
    if (runs === null) {
      const by = ['bucket', ...keys].join(', ');
      // Every key kept asked: each stored row is its own sum, read as it is (hex: see hist_hex_sum).
      const whole = keys.length === cols.length;
      const cells = whole ? [...COUNTER_NAMES.map((n) => `"${n}"`), ...(spec.hist ? ['hex(hist)'] : [])] : sums;
      const stmt = db
        .prepare(`SELECT ${[by, ...cells].join(', ')} FROM ${tier.groups}${where.sql}${whole ? '' : ` GROUP BY ${by}`}`)
        .raw(true);
      add(stmt.iterate(...where.params) as Iterable<unknown[]>, 1, -1, tier);
      continue;
    }
    const select = `SELECT ${[...keys, ...sums].join(', ')} FROM ${tier.groups}`;
    // No key: one sum, which SQLite gives (of nulls) even over no rows.
    const group = keys.length === 0 ? ' HAVING count(*) > 0' : ` GROUP BY ${keys.join(', ')}`;
    // Without --bucket: the whole range in one sum.
    const stmt =
      spec.bucketOf === null
        ? db.prepare(`${select}${where.sql}${group}`).raw(true)
        : db.prepare(`${select} WHERE bucket BETWEEN ? AND ?${group}`).raw(true);
    for (const run of runs) {
      const rows = spec.bucketOf === null ? stmt.iterate(...where.params) : stmt.iterate(run.first, run.last);
      add(rows as Iterable<unknown[]>, 0, out.bucketId(run.out), tier);
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
export function rangeStats(db: Db, layout: Layout, range: BucketRange | null): RangeStats {
  const sum = (pieces: readonly Piece[]) => {
    let n = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (const p of pieces) {
      const { sql, params } = pieceWhere(p);
      const r = db
        .prepare(`SELECT coalesce(sum(counted), 0) AS n, min(first_event) AS first, max(last_event) AS last FROM ${p.tier.buckets}${sql}`)
        .get(...params) as { n: number; first: number | null; last: number | null };
      n += r.n;
      if (r.first !== null && (first === null || r.first < first)) first = r.first;
      if (r.last !== null && (last === null || r.last > last)) last = r.last;
    }
    return { n, first, last };
  };
  const coarsest = layout.tiers.length - 1;
  const everything = piecesOf(layout, null, coarsest);
  const untimed = sum(everything.filter((p) => p.untimed)).n;
  const timed = sum(everything.filter((p) => !p.untimed)).n;
  const inside = range === null ? { n: timed, first: null, last: null } : sum(piecesOf(layout, range, coarsest));
  const span = range === null ? sum(everything) : inside;
  // With no range, records without a time are counted too (in no bucket).
  return {
    counted: inside.n + (range === null ? untimed : 0),
    outside: timed - inside.n,
    untimed,
    firstEvent: span.first,
    lastEvent: span.last,
  };
}

/** What a tier holds in a range: its first and last bucket start (null when it holds none there). */
export interface TierSpan {
  readonly tier: Tier;
  readonly first: number;
  readonly last: number;
}

/** Per tier of the base layout (each time at the finest grain kept), what it holds in the range. */
export function tierSpans(db: Db, layout: Layout, range: BucketRange | null): TierSpan[] {
  const out: TierSpan[] = [];
  for (const p of piecesOf(layout, range ?? { since: null, until: null }, 0)) {
    const { sql, params } = pieceWhere(p);
    const r = db.prepare(`SELECT min(bucket) AS first, max(bucket) AS last FROM ${p.tier.buckets}${sql}`).get(...params) as {
      first: number | null;
      last: number | null;
    };
    if (r.first === null || r.last === null) continue;
    const had = out.find((s) => s.tier === p.tier);
    if (had === undefined) out.push({ tier: p.tier, first: r.first, last: r.last });
    else out[out.indexOf(had)] = { tier: p.tier, first: Math.min(had.first, r.first), last: Math.max(had.last, r.last) };
  }
  return out.sort((a, b) => a.tier.index - b.tier.index);
}

/**
 * The start of the stored bucket that holds instant t strictly inside it (t itself when none
 * does), and that bucket's grain: the finest tier that holds t's time (schema 1-2: the earliest
 * start over the tiers that have that bucket).
 */
export function storedEdge(db: Db, layout: Layout, t: number): { start: number; grain: BucketSize } {
  const { tiers, floors } = layout;
  if (floors !== null) {
    const tier = tiers.find((x) => x.bucketing.start(t) >= floors[x.index]) ?? tiers[0];
    return { start: tier.bucketing.start(t), grain: tier.grain };
  }
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
 * Where the finest tier holds everything there is from: the end of the last bucket that holds
 * records only a coarser tier has (minus infinity when there is none: the finest tier holds all).
 * Windows that reach before it cannot be judged at the finest grain.
 */
export function fineFrom(db: Db, layout: Layout): number {
  const { tiers, floors } = layout;
  // Schema 1-2: a coarser tier's records are its alone; 3: those before the finest tier's floor
  // (a coarse bucket across the floor holds some only when its first event is before it).
  const floor = floors === null ? Number.POSITIVE_INFINITY : floors[0];
  if (floor === Number.NEGATIVE_INFINITY) return floor;
  let from = Number.NEGATIVE_INFINITY;
  for (const tier of tiers.slice(1)) {
    const sql = `SELECT max(bucket) AS b FROM ${tier.buckets} WHERE bucket <> ?${Number.isFinite(floor) ? ' AND bucket < ? AND coalesce(first_event, bucket) < ?' : ''}`;
    const params = Number.isFinite(floor) ? [UNTIMED_BUCKET, floor, floor] : [UNTIMED_BUCKET];
    const last = (db.prepare(sql).get(...params) as { b: number | null }).b;
    if (last !== null) from = Math.max(from, Math.min(floor, tier.bucketing.next(last)));
  }
  return from;
}

/** Earliest and latest event time stored, over every tier (epoch seconds), null when nothing timed is. */
export function storedEventSpan(db: Db, layout: Layout): { readonly first: number | null; readonly last: number | null } {
  const s = rangeStats(db, layout, null);
  return { first: s.firstEvent, last: s.lastEvent };
}
