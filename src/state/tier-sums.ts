/**
 * A finer tier's rows summed into a coarser tier's buckets, in SQL: counters with sum(), histograms
 * with the hist_merge aggregate state-db registers, added to what the coarser tier already holds
 * (ON CONFLICT: counters add, histograms merge). The schema 2 → 3 migration uses it to make every
 * hour whole, and tail's aging to move hours into their day as they leave the hourly tier.
 */
import type Database from 'better-sqlite3';
import { COUNTER_NAMES } from '../rollup/counters.js';
import type { Tier } from './tiers.js';

export class TierSum {
  private readonly groups: Database.Statement;
  private readonly buckets: Database.Statement;
  private readonly starts: Database.Statement;

  /** `keys`: the state's key columns; `untimed`: the bucket of records without a time (never summed). */
  constructor(
    db: Database.Database,
    keys: readonly string[],
    from: Tier,
    private readonly to: Tier,
    untimed: number,
  ) {
    const cols = ['bucket', ...keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hist'];
    const sums = COUNTER_NAMES.map((n) => `sum("${n}")`);
    const adds = [...COUNTER_NAMES.map((n) => `"${n}" = "${n}" + excluded."${n}"`), 'hist = hist_add(hist, excluded.hist)'];
    const groupBy = keys.length > 0 ? `GROUP BY ${keys.join(', ')}` : '';
    this.groups = db.prepare(`INSERT INTO ${to.groups} (${cols.join(', ')})
      SELECT ?, ${[...keys, ...sums, 'hist_merge(hist)'].join(', ')} FROM ${from.groups} WHERE bucket >= ? AND bucket < ? ${groupBy} HAVING count(*) > 0
      ON CONFLICT (${['bucket', ...keys].join(', ')}) DO UPDATE SET ${adds.join(', ')}`);
    this.buckets = db.prepare(`INSERT INTO ${to.buckets} (bucket, counted, first_event, last_event)
      SELECT ?, sum(counted), min(first_event), max(last_event) FROM ${from.buckets} WHERE bucket >= ? AND bucket < ? HAVING count(*) > 0
      ON CONFLICT (bucket) DO UPDATE SET counted = counted + excluded.counted,
        first_event = min(coalesce(first_event, excluded.first_event), coalesce(excluded.first_event, first_event)),
        last_event = max(coalesce(last_event, excluded.last_event), coalesce(excluded.last_event, last_event))`);
    this.starts = db
      .prepare(`SELECT bucket FROM ${from.buckets} WHERE bucket <> ${untimed} AND bucket >= ? AND bucket < ? ORDER BY bucket`)
      .pluck();
  }

  /**
   * Add the finer rows with a bucket in [lo, hi) into the coarser tier (call inside a transaction;
   * lo and hi on the coarser tier's bucket edges, or infinite). Returns the coarser rows written.
   */
  add(lo: number, hi: number): number {
    let done = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (const b of this.starts.all(Math.max(lo, Number.MIN_SAFE_INTEGER), Math.min(hi, Number.MAX_SAFE_INTEGER)) as number[]) {
      if (b < done) continue;
      const c0 = this.to.bucketing.start(b);
      done = this.to.bucketing.next(c0);
      n += this.groups.run(c0, c0, done).changes;
      this.buckets.run(c0, c0, done);
    }
    return n;
  }
}
