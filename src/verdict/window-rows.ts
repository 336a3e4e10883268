/**
 * Where the rules read a window's numbers: groups of a bucketed rollup by some dimensions over the
 * buckets of a span. Two sources give the same rows: a regrouping per window (one end, as `check`
 * and the verdicts of a report judge), and sliding sums that move a window along a bucket series,
 * adding the buckets that enter and subtracting those that leave (every window of a period, for
 * incidents and for tail's replay: one pass over the rollup per rule instead of a regrouping per
 * window). Counters are integers below 2^53, so adding and subtracting them is exact and both
 * sources give identical numbers (tested).
 */
import { countsOf, STRIDE, type Counts } from '../rollup/counters.js';
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

/** One rollup regrouped to some dimensions, its groups in bucket order, each with a key index. */
interface Series {
  readonly keys: readonly Readonly<Record<string, string>>[];
  readonly starts: Float64Array;
  readonly keyOf: Int32Array;
  /** Counters of each entry, in bucket order. */
  readonly counters: Float64Array;
}

function seriesOf(rollup: Rollup, dims: readonly string[]): Series {
  const r = regroup(rollup, dims, (s) => s);
  const index = new Map<string, number>();
  const keys: Record<string, string>[] = [];
  const order: number[] = [];
  const keyIds = new Int32Array(r.size);
  for (let g = 0; g < r.size; g++) {
    if (Number.isNaN(r.bucketOf(g))) continue;
    let id = '';
    for (let d = 0; d < dims.length; d++) id += `${r.valueId(g, d)},`;
    let k = index.get(id);
    if (k === undefined) {
      k = keys.length;
      index.set(id, k);
      keys.push(keyOf(r, g));
    }
    keyIds[g] = k;
    order.push(g);
  }
  order.sort((a, b) => r.bucketOf(a) - r.bucketOf(b));
  const starts = new Float64Array(order.length);
  const keyOfEntry = new Int32Array(order.length);
  const counters = new Float64Array(order.length * STRIDE);
  order.forEach((g, i) => {
    starts[i] = r.bucketOf(g);
    keyOfEntry[i] = keyIds[g];
    counters.set(r.counters.subarray(g * STRIDE, (g + 1) * STRIDE), i * STRIDE);
  });
  return { keys, starts, keyOf: keyOfEntry, counters };
}

/** One window moving forward along a series. */
class Slide {
  private lo = 0;
  private hi = 0;
  private readonly sums: Float64Array;
  /** Entries of each key inside the window. */
  private readonly inside: Int32Array;
  private start = Number.NEGATIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private last: WindowRow[] | null = null;

  constructor(private readonly s: Series) {
    this.sums = new Float64Array(s.keys.length * STRIDE);
    this.inside = new Int32Array(s.keys.length);
  }

  private move(i: number, sign: 1 | -1): void {
    const k = this.s.keyOf[i];
    const at = k * STRIDE;
    const from = i * STRIDE;
    for (let c = 0; c < STRIDE; c++) this.sums[at + c] += sign * this.s.counters[from + c];
    this.inside[k] += sign;
  }

  rows(span: Span): WindowRow[] {
    if (this.last !== null && span.start === this.start && span.end === this.end) return this.last;
    if (span.start < this.start || span.end < this.end) throw new Error('sliding window rows: a window may only move forward');
    const s = this.s;
    while (this.hi < s.starts.length && s.starts[this.hi] < span.end) this.move(this.hi++, 1);
    while (this.lo < this.hi && s.starts[this.lo] < span.start) this.move(this.lo++, -1);
    const out: WindowRow[] = [];
    for (let k = 0; k < s.keys.length; k++) if (this.inside[k] > 0) out.push({ key: s.keys[k], counts: countsOf(this.sums, k * STRIDE) });
    this.start = span.start;
    this.end = span.end;
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
  const slides = new Map<string, Slide>();
  return {
    rows(dims, span, window) {
      const id = `${window}:${dims.join(',')}`;
      let slide = slides.get(id);
      if (slide === undefined) {
        const key = dims.join(',');
        let s = series.get(key);
        if (s === undefined) {
          s = seriesOf(rollup, dims);
          series.set(key, s);
        }
        slide = new Slide(s);
        slides.set(id, slide);
      }
      return slide.rows(span);
    },
  };
}
