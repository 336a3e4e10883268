/**
 * Writing the stored rollup: one row per (bucket, key) and tier, with the counters as columns and
 * the latency histogram as a sparse blob. A commit upserts only the groups its delta touched
 * (adding to what is there), each in the tier whose time it is in (state/aging.ts), so the cost of
 * a commit is the size of the change, not of the state. Reading is state/stored-read.ts.
 */
import type Database from 'better-sqlite3';
import type { Problem, ProblemCode } from '../parse/problems.js';
import { COUNTER_NAMES, STRIDE } from '../rollup/counters.js';
import { BINS } from '../rollup/latency.js';
import { regroup } from '../rollup/regroup.js';
import { Rollup } from '../rollup/rollup.js';
import type { Route } from './aging.js';
import { encodeHist } from './hist-codec.js';
import { stateKeyColumns, stateTiers, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';
import type { Tier } from './tiers.js';

/** Per bucket: records counted and the span of their event times (NaN: none). */
export interface BucketStat {
  counted: number;
  first: number;
  last: number;
}

/** Add `b` into `a`: counts add, event spans widen. */
export function addStat(a: BucketStat, b: BucketStat): void {
  a.counted += b.counted;
  a.first = Number.isNaN(a.first) ? b.first : Number.isNaN(b.first) ? a.first : Math.min(a.first, b.first);
  a.last = Number.isNaN(a.last) ? b.last : Number.isNaN(b.last) ? a.last : Math.max(a.last, b.last);
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

/** A bucket a commit wrote to, in the tier it went to. */
export interface TouchedBucket {
  readonly tier: Tier;
  readonly start: number;
}

export const KEEP_PROBLEMS = 20;

export class RollupStore {
  private readonly db: Db;
  private readonly config: StateConfig;
  readonly tiers: readonly Tier[];
  /** value → id, per dimension, mirroring dim_values (one id space for every tier). */
  private dicts: Map<string, number>[] = [];
  private readonly upsertGroup: Database.Statement[];
  private readonly upsertBucket: Database.Statement[];
  private readonly addTotal;
  private readonly addValue;
  private readonly addProblem;
  private keptProblems = 0;
  private readonly args: (number | Buffer | null)[] = [];
  /**
   * Per tier, the rollup a delta's share is summed into, emptied and used again by every commit:
   * new ones each second grew megabytes of histograms that the allocator kept (RSS grew with the
   * days a catch-up read).
   */
  private readonly scratch: Rollup[] = [];

  constructor(db: Db, config: StateConfig) {
    this.db = db;
    this.config = config;
    this.tiers = stateTiers(config);
    const keys = stateKeyColumns(config);
    const cols = ['bucket', ...keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hist'];
    const sets = [...COUNTER_NAMES.map((n) => `"${n}" = "${n}" + excluded."${n}"`), 'hist = hist_add(hist, excluded.hist)'];
    this.upsertGroup = this.tiers.map((t) =>
      db.prepare(
        `INSERT INTO ${t.groups} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (${['bucket', ...keys].join(', ')}) DO UPDATE SET ${sets.join(', ')}`,
      ),
    );
    this.upsertBucket = this.tiers.map((t) =>
      db.prepare(
        `INSERT INTO ${t.buckets} (bucket, counted, first_event, last_event) VALUES (?, ?, ?, ?)
       ON CONFLICT (bucket) DO UPDATE SET counted = counted + excluded.counted,
         first_event = min(coalesce(first_event, excluded.first_event), coalesce(excluded.first_event, first_event)),
         last_event = max(coalesce(last_event, excluded.last_event), coalesce(excluded.last_event, last_event))`,
      ),
    );
    this.addTotal = db.prepare(
      'INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
    this.addValue = db.prepare('INSERT INTO dim_values (dim, id, value) VALUES (?, ?, ?)');
    this.addProblem = db.prepare('INSERT INTO problems (code, file, line, byte, message, excerpt, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.reload();
  }

  /** Re-read the dictionaries (after a failed commit rolled back ids handed out in memory). */
  reload(): void {
    this.dicts = this.config.dims.map(() => new Map<string, number>());
    for (const row of this.db.prepare('SELECT dim, id, value FROM dim_values').iterate() as Iterable<{
      dim: number;
      id: number;
      value: string;
    }>) {
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

  /**
   * Add a delta to every tier that takes its buckets (`route`: each tier from its floor on, so an
   * hour's row stays the sum of its 5-minute rows after every commit). Call inside the commit's
   * transaction. Returns the buckets written, each in the finest tier that took it.
   */
  write(delta: RollupDelta, route: Route): TouchedBucket[] {
    const r = delta.rollup;
    const touched: TouchedBucket[] = [];
    const finest = new Set<number>();
    const seen = new Set<string>();
    for (const tier of this.tiers) {
      const takes = (s: number) => !Number.isNaN(s) && route.takes(tier.index, s);
      const upsert = this.upsertGroup[tier.index];
      if (tier.index === 0 && r.bucketStarts.every(takes)) {
        // The live case: tier 0 takes the delta as it is (records without a time always stay in tier 0).
        for (let g = 0; g < r.size; g++) this.writeGroup(r, g, upsert);
      } else {
        // The tier's share, summed into its own buckets first (twelve 5-minute groups make one hourly row).
        const bucketOf = tier.index === 0 ? (s: number) => s : (s: number) => tier.bucketing.start(s);
        const part = (this.scratch[tier.index] ??= new Rollup(r.dims));
        part.clear();
        regroup(r, r.dims, bucketOf, takes, part);
        for (let g = 0; g < part.size; g++) this.writeGroup(part, g, upsert);
        // regroup leaves out groups without a time: they are tier 0's.
        if (tier.index === 0) for (let g = 0; g < r.size; g++) if (Number.isNaN(r.bucketOf(g))) this.writeGroup(r, g, upsert);
      }
      const stats = new Map<number, BucketStat>();
      for (const [bucket, s] of delta.buckets) {
        const untimed = Number.isNaN(bucket);
        if (untimed ? tier.index !== 0 : !takes(bucket)) continue;
        const start = untimed ? UNTIMED_BUCKET : tier.index === 0 ? bucket : tier.bucketing.start(bucket);
        const cur = stats.get(start);
        if (cur === undefined) stats.set(start, { ...s });
        else addStat(cur, s);
        if (!untimed && !finest.has(bucket)) {
          finest.add(bucket);
          const id = `${tier.index}:${start}`;
          if (!seen.has(id)) touched.push({ tier, start });
          seen.add(id);
        }
      }
      for (const [start, s] of stats) {
        this.upsertBucket[tier.index].run(
          start,
          s.counted,
          Number.isFinite(s.first) ? s.first : null,
          Number.isFinite(s.last) ? s.last : null,
        );
      }
    }
    for (const [name, value] of delta.totals) if (value !== 0) this.addTotal.run(name, value);
    const now = Math.floor(Date.now() / 1000);
    for (const p of delta.problems) {
      if (this.keptProblems >= KEEP_PROBLEMS) break;
      this.addProblem.run(p.code, p.file, p.line, p.byte, p.message, p.excerpt, now);
      this.keptProblems++;
    }
    return touched;
  }

  private writeGroup(r: Rollup, g: number, upsert: Database.Statement): void {
    const dims = this.config.dims.length;
    const args = this.args;
    const start = r.bucketOf(g);
    args[0] = Number.isNaN(start) ? UNTIMED_BUCKET : start;
    for (let d = 0; d < dims; d++) args[1 + d] = this.idOf(d, r.valueOf(g, d));
    for (let i = 0; i < STRIDE; i++) args[1 + dims + i] = r.counters[g * STRIDE + i];
    const slot = r.histSlots[g];
    args[1 + dims + STRIDE] = slot < 0 ? null : encodeHist(r.hist, slot * BINS);
    upsert.run(args);
  }
}

/** Named totals (records, badRecords, problem:CODE, unknown:TYPE...). */
export function readTotals(db: Db): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of db.prepare('SELECT name, value FROM totals').iterate() as Iterable<{ name: string; value: number }>)
    out.set(row.name, row.value);
  return out;
}

export function readProblems(db: Db): Problem[] {
  return (
    db.prepare('SELECT code, file, line, byte, message, excerpt FROM problems ORDER BY seq').all() as {
      code: ProblemCode;
      file: string;
      line: number;
      byte: number;
      message: string;
      excerpt: string;
    }[]
  ).map((p) => ({ ...p }));
}
