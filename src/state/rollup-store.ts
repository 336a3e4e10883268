/**
 * The stored rollup: one row per (bucket, key) with the counters as columns and the latency
 * histogram as a sparse blob. A commit upserts only the groups its delta touched (adding to what
 * is there), so the cost of a commit is the size of the change, not of the state. Reading builds an
 * ordinary Rollup, so `report --state` goes through the same model and renderers as report over files.
 */
import type { Problem, ProblemCode } from '../parse/problems.js';
import { COUNTER_NAMES, STRIDE } from '../rollup/counters.js';
import { BINS } from '../rollup/latency.js';
import { Rollup, type RollupData } from '../rollup/rollup.js';
import { decodeHistInto, encodeHist } from './hist-codec.js';
import { stateKeyColumns, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';

/** Per bucket: records counted and the span of their event times. */
export interface BucketStat {
  counted: number;
  first: number;
  last: number;
}

/** What one commit adds to the stored rollup (besides the file offsets). */
export interface RollupDelta {
  readonly rollup: Rollup;
  readonly buckets: ReadonlyMap<number, BucketStat>;
  /** Named totals to add: records, counted, badRecords, warnings, untimed, filtered, problem:CODE, unknown:TYPE. */
  readonly totals: ReadonlyMap<string, number>;
  /** Problems found in this delta, in input order (the store keeps the first ones). */
  readonly problems: readonly Problem[];
}

export const KEEP_PROBLEMS = 20;

export class RollupStore {
  private readonly db: Db;
  private readonly config: StateConfig;
  /** value → id, per dimension, mirroring dim_values. */
  private dicts: Map<string, number>[] = [];
  private readonly upsertGroup;
  private readonly upsertBucket;
  private readonly addTotal;
  private readonly addValue;
  private readonly addProblem;
  private keptProblems = 0;

  constructor(db: Db, config: StateConfig) {
    this.db = db;
    this.config = config;
    const keys = stateKeyColumns(config);
    const cols = ['bucket', ...keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hist'];
    const sets = [...COUNTER_NAMES.map((n) => `"${n}" = "${n}" + excluded."${n}"`), 'hist = hist_add(hist, excluded.hist)'];
    this.upsertGroup = db.prepare(
      `INSERT INTO groups (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (${['bucket', ...keys].join(', ')}) DO UPDATE SET ${sets.join(', ')}`,
    );
    this.upsertBucket = db.prepare(
      `INSERT INTO buckets (bucket, counted, first_event, last_event) VALUES (?, ?, ?, ?)
       ON CONFLICT (bucket) DO UPDATE SET counted = counted + excluded.counted,
         first_event = min(coalesce(first_event, excluded.first_event), coalesce(excluded.first_event, first_event)),
         last_event = max(coalesce(last_event, excluded.last_event), coalesce(excluded.last_event, last_event))`,
    );
    this.addTotal = db.prepare('INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value');
    this.addValue = db.prepare('INSERT INTO dim_values (dim, id, value) VALUES (?, ?, ?)');
    this.addProblem = db.prepare('INSERT INTO problems (code, file, line, byte, message, excerpt, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.reload();
  }

  /** Re-read the dictionaries (after a failed commit rolled back ids handed out in memory). */
  reload(): void {
    this.dicts = this.config.dims.map(() => new Map<string, number>());
    for (const row of this.db.prepare('SELECT dim, id, value FROM dim_values').iterate() as Iterable<{ dim: number; id: number; value: string }>) {
      this.dicts[row.dim]?.set(row.value, row.id);
    }
    this.keptProblems = (this.db.prepare('SELECT count(*) AS n FROM problems').get() as { n: number }).n;
  }

  private idOf(d: number, value: string): number {
    const dict = this.dicts[d];
    let id = dict.get(value);
    if (id === undefined) {
      id = dict.size;
      this.addValue.run(d, id, value);
      dict.set(value, id);
    }
    return id;
  }

  /** Add a delta. Call inside the commit's transaction. */
  write(delta: RollupDelta): void {
    const r = delta.rollup;
    const dims = this.config.dims.length;
    const args: (number | Buffer | null)[] = new Array(1 + dims + STRIDE + 1);
    for (let g = 0; g < r.size; g++) {
      const start = r.bucketOf(g);
      args[0] = Number.isNaN(start) ? UNTIMED_BUCKET : start;
      for (let d = 0; d < dims; d++) args[1 + d] = this.idOf(d, r.valueOf(g, d));
      for (let i = 0; i < STRIDE; i++) args[1 + dims + i] = r.counters[g * STRIDE + i];
      const slot = r.histSlots[g];
      args[1 + dims + STRIDE] = slot < 0 ? null : encodeHist(r.hist, slot * BINS);
      this.upsertGroup.run(args);
    }
    for (const [bucket, s] of delta.buckets) {
      this.upsertBucket.run(Number.isNaN(bucket) ? UNTIMED_BUCKET : bucket, s.counted, Number.isFinite(s.first) ? s.first : null, Number.isFinite(s.last) ? s.last : null);
    }
    for (const [name, value] of delta.totals) if (value !== 0) this.addTotal.run(name, value);
    const now = Math.floor(Date.now() / 1000);
    for (const p of delta.problems) {
      if (this.keptProblems >= KEEP_PROBLEMS) break;
      this.addProblem.run(p.code, p.file, p.line, p.byte, p.message, p.excerpt, now);
      this.keptProblems++;
    }
  }

  /** Drop buckets that start before `before` (epoch seconds); records without a time stay. */
  prune(before: number): number {
    const n = this.db.prepare('DELETE FROM groups WHERE bucket < ? AND bucket <> ?').run(before, UNTIMED_BUCKET).changes;
    this.db.prepare('DELETE FROM buckets WHERE bucket < ? AND bucket <> ?').run(before, UNTIMED_BUCKET);
    return n;
  }
}

/** A stored time range: buckets whose start is in [since, until); null ends are open. */
export interface BucketRange {
  readonly since: number | null;
  readonly until: number | null;
}

export interface StoredRollup {
  readonly rollup: Rollup;
  /** Records counted in the range, and outside it. */
  readonly counted: number;
  readonly outside: number;
  /** Records without a time column (left out when a range is given). */
  readonly untimed: number;
  readonly firstEvent: number | null;
  readonly lastEvent: number | null;
}

function inRange(bucket: number, range: BucketRange | null): boolean {
  if (range === null) return true;
  if (bucket === UNTIMED_BUCKET) return false;
  return (range.since === null || bucket >= range.since) && (range.until === null || bucket < range.until);
}

/** The stored rollup (state dimensions, stored buckets) over a range of buckets. */
export function readStoredRollup(db: Db, config: StateConfig, range: BucketRange | null): StoredRollup {
  const dims = config.dims.length;
  const values: string[][] = config.dims.map(() => []);
  for (const row of db.prepare('SELECT dim, id, value FROM dim_values').iterate() as Iterable<{ dim: number; id: number; value: string }>) {
    if (row.dim < dims) values[row.dim][row.id] = row.value;
  }
  // Bucket stats by aggregate queries over the bucket index (the view and the JSON lines read
  // one or two buckets of a state that holds thousands).
  const agg = (where: string, params: number[]) => db.prepare(
    `SELECT coalesce(sum(counted), 0) AS counted, min(first_event) AS first, max(last_event) AS last FROM buckets WHERE ${where}`,
  ).get(...params) as { counted: number; first: number | null; last: number | null };
  const untimed = agg('bucket = ?', [UNTIMED_BUCKET]).counted;
  const rangeWhere = ['bucket <> ?'];
  const rangeParams: number[] = [UNTIMED_BUCKET];
  if (range !== null && range.since !== null) {
    rangeWhere.push('bucket >= ?');
    rangeParams.push(range.since);
  }
  if (range !== null && range.until !== null) {
    rangeWhere.push('bucket < ?');
    rangeParams.push(range.until);
  }
  const inside = agg(rangeWhere.join(' AND '), rangeParams);
  const timed = agg('bucket <> ?', [UNTIMED_BUCKET]).counted;
  const counted = inside.counted + (range === null ? untimed : 0);
  const outside = timed - inside.counted;
  const firstEvent = inside.first;
  const lastEvent = inside.last;
  const keys: number[] = [];
  const counters: number[] = [];
  const histSlots: number[] = [];
  const hists: Uint8Array[] = [];
  const bucketIndex = new Map<number, number>();
  const buckets: (number | null)[] = [];
  const where: string[] = [];
  const params: number[] = [];
  if (range !== null) {
    where.push('bucket <> ?');
    params.push(UNTIMED_BUCKET);
    if (range.since !== null) {
      where.push('bucket >= ?');
      params.push(range.since);
    }
    if (range.until !== null) {
      where.push('bucket < ?');
      params.push(range.until);
    }
  }
  const stmt = db.prepare(`SELECT * FROM groups${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`).raw(true);
  for (const row of stmt.iterate(...params) as Iterable<unknown[]>) {
    const bucket = row[0] as number;
    if (!inRange(bucket, range)) continue;
    let b = bucketIndex.get(bucket);
    if (b === undefined) {
      b = buckets.length;
      bucketIndex.set(bucket, b);
      buckets.push(bucket === UNTIMED_BUCKET ? null : bucket);
    }
    keys.push(b);
    for (let d = 0; d < dims; d++) keys.push(row[1 + d] as number);
    for (let i = 0; i < STRIDE; i++) counters.push(row[1 + dims + i] as number);
    const blob = row[1 + dims + STRIDE];
    if (blob instanceof Uint8Array && blob.length > 0) {
      histSlots.push(hists.length);
      hists.push(blob);
    } else {
      histSlots.push(-1);
    }
  }
  const hist = new Uint32Array(hists.length * BINS);
  hists.forEach((blob, slot) => decodeHistInto(blob, hist, slot * BINS));
  const data: RollupData = {
    dims: [...config.dims],
    values,
    buckets,
    groups: histSlots.length,
    keys: Int32Array.from(keys),
    counters: Float64Array.from(counters),
    histSlots: Int32Array.from(histSlots),
    hist,
  };
  const rollup = new Rollup(config.dims, Math.max(16, data.groups));
  rollup.merge(data);
  return { rollup, counted, outside, untimed, firstEvent, lastEvent };
}

/** Named totals (records, badRecords, problem:CODE, unknown:TYPE...). */
export function readTotals(db: Db): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of db.prepare('SELECT name, value FROM totals').iterate() as Iterable<{ name: string; value: number }>) out.set(row.name, row.value);
  return out;
}

export function readProblems(db: Db): Problem[] {
  return (db.prepare('SELECT code, file, line, byte, message, excerpt FROM problems ORDER BY seq').all() as {
    code: ProblemCode; file: string; line: number; byte: number; message: string; excerpt: string;
  }[]).map((p) => ({ ...p }));
}


/** Earliest and latest event time stored (epoch seconds), null when nothing timed is. */
export function storedEventSpan(db: Db): { readonly first: number | null; readonly last: number | null } {
  return db.prepare('SELECT min(first_event) AS first, max(last_event) AS last FROM buckets WHERE bucket <> ?').get(UNTIMED_BUCKET) as { first: number | null; last: number | null };
}
