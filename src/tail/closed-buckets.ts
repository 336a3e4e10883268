/**
 * The pipe output of `tail`: one JSON line per closed bucket, read back from the state (so a line
 * holds the whole bucket, whatever earlier runs counted of it). A bucket is closed once an event
 * `grace` seconds past its end has been counted (or, following live, once the clock is there).
 * Late records reopen it and it is written again: the later line supersedes the earlier one.
 */
import { makeBucketing, type Bucketing } from '../rollup/buckets.js';
import { regroup } from '../rollup/regroup.js';
import { groupJson, JSON_VERSION } from '../report/json.js';
import { rowsOf, totalOf } from '../report/model.js';
import { isoTime } from '../report/format.js';
import { readStoredRollup, type RollupDelta } from '../state/rollup-store.js';
import type { Db, StateConfig } from '../state/state-db.js';

export class ClosedBuckets {
  private readonly db: Db;
  private readonly config: StateConfig;
  private readonly by: readonly string[];
  private readonly grace: number;
  private readonly bucketing: Bucketing;
  private readonly dirty = new Set<number>();
  private maxEvent: number | null = null;

  constructor(db: Db, config: StateConfig, by: readonly string[], grace: number) {
    this.db = db;
    this.config = config;
    this.by = by;
    this.grace = grace;
    this.bucketing = makeBucketing(config.bucket, config.tz);
  }

  /** Note the buckets a commit touched. */
  add(delta: RollupDelta): void {
    for (const [bucket, s] of delta.buckets) {
      if (Number.isNaN(bucket)) continue;
      this.dirty.add(bucket);
      if (Number.isFinite(s.last) && (this.maxEvent === null || s.last > this.maxEvent)) this.maxEvent = s.last;
    }
  }

  /**
   * JSON lines of the buckets closed by now (`now` null: by event time only), one at a time: a
   * catch-up over days closes thousands of buckets, and their lines are written as they are made.
   */
  *take(now: number | null): Generator<string> {
    const horizon = Math.max(this.maxEvent ?? Number.NEGATIVE_INFINITY, now ?? Number.NEGATIVE_INFINITY);
    for (const start of [...this.dirty].sort((a, b) => a - b)) {
      if (this.bucketing.next(start) + this.grace > horizon) continue;
      this.dirty.delete(start);
      yield this.line(start);
    }
  }

  private line(start: number): string {
    const stored = readStoredRollup(this.db, this.config, { since: start, until: this.bucketing.next(start) });
    const grouped = regroup(stored.rollup, this.by, (s) => s);
    const tz = this.config.tz;
    return JSON.stringify({
      version: JSON_VERSION,
      bucket: isoTime(start, tz),
      bucketSize: this.config.bucket,
      by: this.by,
      total: groupJson(totalOf(stored.rollup), tz, false, false),
      groups: rowsOf(grouped).map((row) => groupJson(row, tz, true, true)),
    });
  }
}
