/**
 * The record path of `tail`: the one RollupSink (classify → rollup), plus what a commit needs
 * besides the groups: per-bucket counts and event-time spans, totals, and the problems found since
 * the last commit. Several files are read in turn, so the classifier is pointed at each record's
 * own header (an identity check per record; the column lookup only when the header changes).
 */
import type { EngineOptions } from '../../engine/options.js';
import { RollupSink } from '../../engine/rollup-sink.js';
import type { Header } from '../../parse/header.js';
import { WARNING_CODES, type Problem } from '../../parse/problems.js';
import type { RecordSink } from '../../parse/reader.js';
import type { RecordView } from '../../parse/record-view.js';
import { Rollup } from '../../rollup/rollup.js';
import { addStat, type BucketStat, type RollupDelta } from '../../state/rollup-store.js';

/** Problems kept per delta (all are counted). */
const KEEP_PER_DELTA = 20;

export class TailSink implements RecordSink {
  readonly inner: RollupSink;
  private current: Header | undefined;
  private buckets = new Map<number, BucketStat>();
  private lastBucket = Number.NaN;
  private lastStat: BucketStat | null = null;
  private problems: Problem[] = [];
  private problemCounts = new Map<string, number>();
  private spare: Rollup | null = null;
  /** Records read since the last delta was taken (commit-by-rows). */
  rows = 0;
  /** Bad records and warnings in this process's life. */
  bad = 0;
  /** Latest event time counted in this process's life. */
  lastEvent: number | null = null;

  constructor(options: EngineOptions) {
    this.inner = new RollupSink(options, (p) => this.onProblem(p));
  }

  private onProblem(p: Problem): void {
    if (this.problems.length < KEEP_PER_DELTA) this.problems.push(p);
    const name = `problem:${p.code}`;
    this.problemCounts.set(name, (this.problemCounts.get(name) ?? 0) + 1);
    const total = WARNING_CODES.has(p.code) ? 'warnings' : 'badRecords';
    this.problemCounts.set(total, (this.problemCounts.get(total) ?? 0) + 1);
    if (!WARNING_CODES.has(p.code)) this.bad++;
  }

  header(header: Header): void {
    this.inner.header(header);
    this.current = header;
  }

  record(view: RecordView): void {
    const inner = this.inner;
    if (view.header !== this.current) this.header(view.header);
    const before = inner.stats.counted;
    inner.record(view);
    this.rows++;
    if (inner.stats.counted === before) return;
    const r = inner.rollup;
    const bucket = r.bucketStarts[r.key[0]];
    let s = this.lastStat;
    if (s === null || !(bucket === this.lastBucket || (Number.isNaN(bucket) && Number.isNaN(this.lastBucket)))) {
      s = this.buckets.get(bucket) ?? null;
      if (s === null) {
        s = { counted: 0, first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
        this.buckets.set(bucket, s);
      }
      this.lastBucket = bucket;
      this.lastStat = s;
    }
    s.counted++;
    const t = inner.classifier.time;
    if (!Number.isNaN(t)) {
      if (t < s.first) s.first = t;
      if (t > s.last) s.last = t;
      if (this.lastEvent === null || t > this.lastEvent) this.lastEvent = t;
    }
  }

  /** A delta's rollup once it is stored: emptied, the next delta is counted into it. */
  recycle(rollup: Rollup): void {
    rollup.clear();
    this.spare = rollup;
  }

  /** Everything counted since the last call, as a commit writes it. */
  takeDelta(): RollupDelta {
    const { rollup, stats } = this.inner.takeDelta(this.spare ?? undefined);
    this.spare = null;
    const totals = new Map<string, number>(this.problemCounts);
    totals.set('records', stats.records);
    totals.set('counted', stats.counted);
    totals.set('filtered', stats.filtered);
    totals.set('untimed', stats.untimed);
    for (const [type, n] of Object.entries(stats.unknownTypes)) totals.set(`unknown:${type}`, n);
    for (const s of this.buckets.values()) {
      if (s.first === Number.POSITIVE_INFINITY) {
        s.first = Number.NaN;
        s.last = Number.NaN;
      }
    }
    const delta: RollupDelta = { rollup, buckets: this.buckets, totals, problems: this.problems };
    this.buckets = new Map();
    this.lastStat = null;
    this.lastBucket = Number.NaN;
    this.problems = [];
    this.problemCounts = new Map();
    this.rows = 0;
    return delta;
  }
}

/** Two deltas as one (a commit that failed is retried with what came after it). */
export function mergeDeltas(a: RollupDelta, b: RollupDelta): RollupDelta {
  const rollup = new Rollup(a.rollup.dims);
  rollup.merge(a.rollup.toData());
  rollup.merge(b.rollup.toData());
  const buckets = new Map<number, BucketStat>();
  for (const m of [a.buckets, b.buckets]) {
    for (const [k, s] of m) {
      const cur = buckets.get(k);
      if (cur === undefined) buckets.set(k, { ...s });
      else addStat(cur, s);
    }
  }
  const totals = new Map(a.totals);
  for (const [k, v] of b.totals) totals.set(k, (totals.get(k) ?? 0) + v);
  return { rollup, buckets, totals, problems: [...a.problems, ...b.problems].slice(0, KEEP_PER_DELTA) };
}
