/**
 * Where the rules read a window's numbers: groups of a bucketed rollup by some dimensions over the
 * buckets of a span. Two sources give the same rows: a regrouping per window (one end, as `check`
 * and the verdicts of a report judge), and sliding sums that move a window along a bucket series,
 * adding the buckets that enter and subtracting those that leave (every window of a period, for
 * incidents and for tail's replay: one pass over the rollup per rule instead of a regrouping per
 * window). Counters are integers below 2^53, so adding and subtracting them is exact and both
 * sources give identical numbers (tested).
 */
import {
  BOUNCED,
  COMPLAINTS,
  countsOf,
  DEFERRED,
  DELIVERED,
  DELIVERED_BYTES,
  HARD_BOUNCED,
  QUEUE_DEFERRED,
  RECEIVED,
  REMOTE_BOUNCED,
  REMOTE_STATUS,
  SOFT_BOUNCED,
  STRIDE,
  type Counts,
} from '../rollup/counters.js';
import { regroup } from '../rollup/regroup.js';
import type { Rollup } from '../rollup/rollup.js';
import type { Span } from './window.js';

export interface WindowRow {
  readonly key: Readonly<Record<string, string>>;
  readonly counts: Counts;
}

export interface WindowRows {
  /**
   * Groups by `dims` over the buckets whose start is in [span.start, span.end). `window` is the
   * rule's nominal length: a sliding source keeps one window per dimensions and length.
   */
  rows(dims: readonly string[], span: Span, window: number): readonly WindowRow[];
}

function keyOf(r: Rollup, g: number): Record<string, string> {
  const key: Record<string, string> = {};
  r.dims.forEach((d, i) => {
    key[d] = r.valueOf(g, i);
  });
  return key;
}

/** A regrouping of the rollup per call. */
export function regroupRows(rollup: Rollup): WindowRows {
  return {
    rows(dims, span) {
      const r = regroup(rollup, dims, null, (s) => s >= span.start && s < span.end);
      const out: WindowRow[] = [];
      for (let g = 0; g < r.size; g++) out.push({ key: keyOf(r, g), counts: countsOf(r.counters, g * STRIDE) });
      return out;
    },
  };
}

/** One rollup projected on some dimensions, its entries in bucket order, each with a key index. */
interface Series {
  readonly keys: readonly Readonly<Record<string, string>>[];
  readonly starts: Float64Array;
  readonly keyOf: Int32Array;
  /** Record counters (the first COUNTED of a STRIDE-wide row) of each entry: entry i's row is `rowOf[i]`. */
  readonly counts: Int32Array;
  readonly rowOf: Int32Array;
  /** Delivered bytes of each entry. */
  readonly bytes: number[];
}

/**
 * The counters before DELIVERED_BYTES (the last): record counts, which stay small integers. The
 * sliding sums read and keep them as such, not as the rollup's Float64Array: this code runs in
 * V8's interpreter in a small run (TurboFan is off, engine/tiering.ts), where every read of a
 * Float64Array element allocates a heap number and a read of an Int32Array or of a plain array of
 * small integers allocates none (at the 288 window ends of a 10,000-row day the Float64Array sums
 * allocated about 7 MB). The bytes, which pass 2^31 in a day, are kept apart as numbers.
 */
const COUNTED = DELIVERED_BYTES;

/**
 * The rollup's counters as 32-bit integers, converted natively (TypedArray `set`): the record
 * counters of a group in a 5-minute bucket are far below 2^31; the bytes column is not read.
 */
function smallCounters(rollup: Rollup): Int32Array {
  const n = rollup.size * STRIDE;
  const out = new Int32Array(n);
  out.set(rollup.counters.subarray(0, n));
  return out;
}

/**
 * countsOf for the sliding sums (plain arrays, the bytes apart). Not countsOf itself: its loads
 * then see both a Float64Array (the model's rows) and plain arrays, and in V8's interpreter, where a
 * small report judges its 288 window ends, those polymorphic loads cost 14 M instructions more in
 * the 10,000-row report (callgrind, stop 25).
 */
function countsFrom(sums: readonly number[], bytes: readonly number[], k: number): Counts {
  const at = k * COUNTED;
  return {
    delivered: sums[at + DELIVERED],
    deferred: sums[at + DEFERRED],
    queueDeferred: sums[at + QUEUE_DEFERRED],
    bounced: sums[at + BOUNCED],
    hardBounced: sums[at + HARD_BOUNCED],
    softBounced: sums[at + SOFT_BOUNCED],
    complaints: sums[at + COMPLAINTS],
    remoteBounced: sums[at + REMOTE_BOUNCED],
    remoteStatus: sums[at + REMOTE_STATUS],
    received: sums[at + RECEIVED],
    deliveredBytes: bytes[k],
  };
}
/**
 * The key index of each group of `rollup` on `dims` (-1 for a group without a bucket), the keys
 * numbered in the order of their first group. One dimension (most rules) looks its value ids up in
 * a table; more (msg-rate's ip and isp) go through a string of the ids.
 */
function keyIndexes(rollup: Rollup, dims: readonly string[]): { keys: Record<string, string>[]; keyIds: Int32Array } {
  const from = dims.map((d) => {
    const i = rollup.dims.indexOf(d);
    if (i < 0) throw new Error(`sliding window rows: ${d} is not a dimension of this rollup (${rollup.dims.join(',')})`);
    return i;
  });
  const keys: Record<string, string>[] = [];
  const keyIds = new Int32Array(rollup.size);
  const byValue = from.length === 1 ? new Int32Array(rollup.dicts[from[0]].size).fill(-1) : null;
  const byText = new Map<string, number>();
  for (let g = 0; g < rollup.size; g++) {
    if (Number.isNaN(rollup.bucketOf(g))) {
      keyIds[g] = -1;
      continue;
    }
    let k: number | undefined;
    if (byValue !== null) k = byValue[rollup.valueId(g, from[0])];
    else if (from.length === 0) k = keys.length === 0 ? -1 : 0;
    else {
      let id = '';
      for (const d of from) id += `${rollup.valueId(g, d)},`;
      k = byText.get(id) ?? -1;
      if (k < 0) byText.set(id, keys.length);
    }
    if (k < 0) {
      k = keys.length;
      const key: Record<string, string> = {};
      dims.forEach((d, i) => {
        key[d] = rollup.valueOf(g, from[i]);
      });
      keys.push(key);
      if (byValue !== null) byValue[rollup.valueId(g, from[0])] = k;
    }
    keyIds[g] = k;
  }
  return { keys, keyIds };
}

/**
 * The series of `rollup` on `dims`, straight from its groups (no regrouping, no comparison sort):
 * the groups placed by the rank of their bucket's start (a counting sort over the few buckets).
 * On the rollup's own dimensions each group is an entry of its own and its counters are read where
 * they are; on fewer, the groups of one bucket and key are added into one entry.
 */
function seriesOf(rollup: Rollup, dims: readonly string[], small: Int32Array): Series {
  const { keys, keyIds } = keyIndexes(rollup, dims);
  const bucketStarts = rollup.bucketStarts;
  const buckets: number[] = [];
  for (let b = 0; b < bucketStarts.length; b++) if (!Number.isNaN(bucketStarts[b])) buckets.push(b);
  buckets.sort((a, b) => bucketStarts[a] - bucketStarts[b]);
  const rank = new Int32Array(bucketStarts.length).fill(-1);
  for (let i = 0; i < buckets.length; i++) rank[buckets[i]] = i;
  // groups by bucket rank: first[i] .. first[i + 1] in `order`
  const first = new Int32Array(buckets.length + 1);
  for (let g = 0; g < rollup.size; g++) if (keyIds[g] >= 0) first[rank[rollup.bucketIdOf(g)] + 1]++;
  for (let i = 0; i < buckets.length; i++) first[i + 1] += first[i];
  const order = new Int32Array(first[buckets.length]);
  const next = first.slice(0, buckets.length);
  for (let g = 0; g < rollup.size; g++) if (keyIds[g] >= 0) order[next[rank[rollup.bucketIdOf(g)]]++] = g;
  const own = dims.length === rollup.dims.length && dims.every((d, i) => d === rollup.dims[i]);
  const starts = new Float64Array(order.length);
  const keyOfEntry = new Int32Array(order.length);
  const rowOf = new Int32Array(order.length);
  const counts = own ? small : new Int32Array(order.length * STRIDE);
  const bytes = new Array<number>(order.length).fill(0);
  const src = rollup.counters;
  // the entry of each key in the bucket being filled (valid when its bucket rank is the current one)
  const entryOf = new Int32Array(keys.length);
  const entryRank = new Int32Array(keys.length).fill(-1);
  let n = 0;
  for (let i = 0; i < buckets.length; i++) {
    for (let j = first[i]; j < first[i + 1]; j++) {
      const g = order[j];
      const k = keyIds[g];
      if (entryRank[k] !== i) {
        entryRank[k] = i;
        entryOf[k] = n;
        starts[n] = bucketStarts[buckets[i]];
        keyOfEntry[n] = k;
        rowOf[n] = own ? g : n;
        n++;
      }
      const e = entryOf[k];
      const from = g * STRIDE;
      if (!own) {
        const to = e * STRIDE;
        // most counters of a group are 0 (a record adds to one or two): no store for them
        for (let c = 0; c < COUNTED; c++) {
          const v = small[from + c];
          if (v !== 0) counts[to + c] += v;
        }
      }
      const b = src[from + DELIVERED_BYTES];
      if (b !== 0) bytes[e] += b;
    }
  }
  bytes.length = n;
  return { keys, starts: starts.subarray(0, n), keyOf: keyOfEntry.subarray(0, n), counts, rowOf: rowOf.subarray(0, n), bytes };
}

/**
 * One window moving forward along a series. A key's row is built again only when an entry of it
 * entered or left the window since its last row: the rows of keys that did not move are the same
 * objects from one window end to the next (and the same array when no key moved), which is what
 * lets the judge skip them (evaluate.ts, `JudgeMemo`). A day judged at its 288 window ends moves
 * only the keys with records in the buckets that enter and leave.
 */
class Slide {
  private lo = 0;
  private hi = 0;
  /** Record counters (COUNTED a key) and delivered bytes of each key inside the window. */
  private readonly sums: number[];
  private readonly bytes: number[];
  /** Entries of each key inside the window. */
  private readonly inside: Int32Array;
  /** Each key's row as last built; null once an entry of the key moved since. */
  private readonly built: (WindowRow | null)[];
  private start = Number.NEGATIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private last: WindowRow[] | null = null;

  constructor(private readonly s: Series) {
    this.sums = new Array<number>(s.keys.length * COUNTED).fill(0);
    this.bytes = new Array<number>(s.keys.length).fill(0);
    this.inside = new Int32Array(s.keys.length);
    this.built = new Array<WindowRow | null>(s.keys.length).fill(null);
  }

  private move(i: number, sign: 1 | -1): void {
    const k = this.s.keyOf[i];
    const sums = this.sums;
    const counts = this.s.counts;
    const at = k * COUNTED;
    const from = this.s.rowOf[i] * STRIDE;
    // an entry's counters are mostly 0: those are neither added nor stored
    for (let c = 0; c < COUNTED; c++) {
      const v = counts[from + c];
      if (v !== 0) sums[at + c] += sign > 0 ? v : -v;
    }
    const b = this.s.bytes[i];
    if (b !== 0) this.bytes[k] += sign * b;
    this.inside[k] += sign;
    this.built[k] = null;
    this.last = null;
  }

  rows(span: Span): WindowRow[] {
    if (this.last !== null && span.start === this.start && span.end === this.end) return this.last;
    if (span.start < this.start || span.end < this.end) throw new Error('sliding window rows: a window may only move forward');
    const s = this.s;
    const starts = s.starts;
    while (this.hi < starts.length && starts[this.hi] < span.end) this.move(this.hi++, 1);
    while (this.lo < this.hi && starts[this.lo] < span.start) this.move(this.lo++, -1);
    this.start = span.start;
    this.end = span.end;
    if (this.last !== null) return this.last;
    const out: WindowRow[] = [];
    for (let k = 0; k < s.keys.length; k++) {
      if (this.inside[k] === 0) continue;
      let row = this.built[k];
      if (row === null) {
        row = { key: s.keys[k], counts: countsFrom(this.sums, this.bytes, k) };
        this.built[k] = row;
      }
      out.push(row);
    }
    this.last = out;
    return out;
  }
}

/**
 * Sliding sums over a bucketed rollup. Windows of one dimensions-and-length may only move forward
 * (their starts and ends never decrease), as when judging window ends in order.
 */
export function slidingRows(rollup: Rollup): WindowRows {
  const series = new Map<string, Series>();
  let small: Int32Array | null = null;
  /** By window length, then dimensions. */
  const slides = new Map<number, Map<string, Slide>>();
  return {
    rows(dims, span, window) {
      const key = dims.length === 1 ? dims[0] : dims.join(',');
      let byDims = slides.get(window);
      if (byDims === undefined) {
        byDims = new Map();
        slides.set(window, byDims);
      }
      let slide = byDims.get(key);
      if (slide === undefined) {
        let s = series.get(key);
        if (s === undefined) {
          small ??= smallCounters(rollup);
          s = seriesOf(rollup, dims, small);
          series.set(key, s);
        }
        slide = new Slide(s);
        byDims.set(key, slide);
      }
      return slide.rows(span);
    },
  };
}
