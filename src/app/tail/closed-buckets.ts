/**
 * The pipe output of `tail`: one JSON line per closed bucket, read back from the state (so a line
 * holds the whole bucket, whatever earlier runs counted of it). A bucket is closed once an event
 * `grace` seconds past its end has been counted (or, following live, once the clock is there).
 * Late records reopen it and it is written again: the later line supersedes the earlier one.
 * Buckets are written at the grain of the tier the records went to: a catch-up over old files
 * writes hours (or days) where the state keeps only those, and says so in `bucketSize`.
 */
import { Rollup } from '../../rollup/rollup.js';
import { groupJson, JSON_VERSION } from '../../render/json.js';
import { rowOf, rowOrder, totalOf } from '../../model/rows.js';
import { isoTime } from '../../render/format.js';
import type { RollupDelta, TouchedBucket } from '../../state/rollup-store.js';
import type { Db, StateConfig } from '../../state/state-db.js';
import { readRollup, tierPiece } from '../../state/stored-read.js';
import type { Tier } from '../../state/tiers.js';

export class ClosedBuckets {
  private readonly db: Db;
  private readonly config: StateConfig;
  private readonly by: readonly string[];
  private readonly grace: number;
  /** Buckets written to and not closed yet, by tier and start. */
  private readonly dirty = new Map<string, TouchedBucket>();
  private maxEvent: number | null = null;
  /** Each line's bucket is read into the same rollup (its arrays used again, not grown anew). */
  private readonly lines: Rollup;

  constructor(db: Db, config: StateConfig, by: readonly string[], grace: number) {
    this.db = db;
    this.config = config;
    this.by = by;
    this.grace = grace;
    this.lines = new Rollup(by);
  }

  /** Note the buckets a commit touched. */
  add(delta: RollupDelta, touched: readonly TouchedBucket[]): void {
    for (const t of touched) this.dirty.set(`${t.tier.index}:${t.start}`, t);
    for (const s of delta.buckets.values()) {
      if (Number.isFinite(s.last) && (this.maxEvent === null || s.last > this.maxEvent)) this.maxEvent = s.last;
    }
  }

  /**
   * JSON lines of the buckets closed by now (`now` null: by event time only), one at a time, each
   * in pieces made as they are written (the line's start, then one group each; they join into the
   * line, a newline last): a catch-up over days closes thousands of buckets, and an hour of a busy
   * server is a megabyte of JSON that would otherwise be held whole, and its rows with it. A line's
   * pieces are read from one reused rollup: write them all before asking for the next line.
   */
  *take(now: number | null): Generator<Iterable<string>> {
    const horizon = Math.max(this.maxEvent ?? Number.NEGATIVE_INFINITY, now ?? Number.NEGATIVE_INFINITY);
    const order = [...this.dirty.entries()].sort(([, a], [, b]) => a.start - b.start || b.tier.index - a.tier.index);
    for (const [id, { tier, start }] of order) {
      if (tier.bucketing.next(start) + this.grace > horizon) continue;
      this.dirty.delete(id);
      const line = this.line(tier, start);
      if (line !== null) yield line;
    }
  }

  /** The bucket's line in pieces; null when it holds nothing (aged into a coarser tier before it closed). */
  private line(tier: Tier, start: number): Iterable<string> | null {
    const grouped = this.lines;
    grouped.clear();
    readRollup(this.db, this.config, [tierPiece(tier, { since: start, until: tier.bucketing.next(start) })], {
      dims: this.by,
      bucketOf: (s) => s,
      hist: true,
      into: grouped,
    });
    if (grouped.size === 0) return null;
    const tz = this.config.tz;
    const head = JSON.stringify({
      version: JSON_VERSION,
      bucket: isoTime(start, tz),
      bucketSize: tier.grain,
      by: this.by,
      total: groupJson(totalOf(grouped), tz, false, false),
    });
    return pieces(`${head.slice(0, -1)},"groups":[`, grouped, tz);
  }
}

function* pieces(head: string, grouped: Rollup, tz: string): Generator<string> {
  yield head;
  let first = true;
  for (const g of rowOrder(grouped)) {
    yield `${first ? '' : ','}${JSON.stringify(groupJson(rowOf(grouped, g), tz, true, true))}`;
    first = false;
  }
  yield ']}\n';
}
