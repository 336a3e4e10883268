/**
 * A rollup's groups as rows (counts, rates and latency of one key in one bucket) and the regroupings
 * every view of the report is made of: the total, a table by some dimensions, the series, the top
 * keys. The one definition of a row's order (by bucket, biggest first, then by key).
 */
import { countsOf, ratesOf, recordsAt, recordsOf, STRIDE, type Counts, type Rates } from '../rollup/counters.js';
import { BINS, summarize, type LatencySummary } from '../rollup/latency.js';
import { regroup } from '../rollup/regroup.js';
import type { Rollup } from '../rollup/rollup.js';

export interface GroupRow {
  /** Bucket start, epoch seconds; null without buckets. */
  readonly bucket: number | null;
  readonly key: Readonly<Record<string, string>>;
  readonly counts: Counts;
  readonly rates: Rates;
  readonly latency: LatencySummary;
}

/** Records of every kind in a group: how big it is, for ordering. */
export function volume(c: Counts): number {
  return recordsOf(c);
}

/** The key of group g: its value of each dimension. */
function keyOf(r: Rollup, g: number): Record<string, string> {
  const key: Record<string, string> = {};
  const dims = r.dims;
  for (let i = 0; i < dims.length; i++) key[dims[i]] = r.valueOf(g, i);
  return key;
}

/** The bucket start of group g, null without buckets. */
function bucketOf(r: Rollup, g: number): number | null {
  const start = r.bucketOf(g);
  return Number.isNaN(start) ? null : start;
}

/** The latency summary of group g's histogram. */
function latencyOf(r: Rollup, g: number): LatencySummary {
  const slot = r.histSlots[g];
  return summarize(r.hist, slot < 0 ? -1 : slot * BINS);
}

/** Group g of a rollup as a row. */
export function rowOf(r: Rollup, g: number): GroupRow {
  const counts = countsOf(r.counters, g * STRIDE);
  return { bucket: bucketOf(r, g), key: keyOf(r, g), counts, rates: ratesOf(counts), latency: latencyOf(r, g) };
}

/**
 * Group g of a rollup as a row whose key and figures are made from the rollup each time they are
 * read. For a renderer that reads each row once (JSON, CSV: ModelOptions.views false), a big report
 * then holds one small object per group instead of a row of about twenty (the key, the counts, the
 * rates, the latency and their numbers): at 1 M rows, 7,300 rows built at once outlived several
 * young-generation collections, which copied them and grew the heap into fresh memory, most of the
 * model's time (bench/RESULTS.md). Each read makes new objects: a renderer that reads a figure many
 * times takes rowOf's rows.
 */
class RollupRow implements GroupRow {
  readonly bucket: number | null;

  constructor(
    private readonly r: Rollup,
    private readonly g: number,
  ) {
    this.bucket = bucketOf(r, g);
  }

  get key(): Readonly<Record<string, string>> {
    return keyOf(this.r, this.g);
  }

  get counts(): Counts {
    return countsOf(this.r.counters, this.g * STRIDE);
  }

  get rates(): Rates {
    return ratesOf(this.counts);
  }

  get latency(): LatencySummary {
    return latencyOf(this.r, this.g);
  }
}

/**
 * The groups of a rollup in the order of its rows: by bucket (none first), then biggest first,
 * then by key. Bucket and size are taken once per group, and no row is made (a caller writing rows one at
 * a time makes each when it writes it).
 */
export function rowOrder(r: Rollup): number[] {
  const n = r.size;
  const bucket = new Float64Array(n);
  const size = new Float64Array(n);
  const order = new Array<number>(n);
  for (let g = 0; g < n; g++) {
    const start = r.bucketOf(g);
    bucket[g] = Number.isNaN(start) ? Number.NEGATIVE_INFINITY : start;
    size[g] = recordsAt(r.counters, g * STRIDE);
    order[g] = g;
  }
  order.sort((a, b) => {
    if (bucket[a] !== bucket[b]) return bucket[a] - bucket[b];
    if (size[a] !== size[b]) return size[b] - size[a];
    return compareKeys(r, a, b);
  });
  return order;
}

/**
 * Groups a and b by their keys' texts joined by NUL (keyText's order), without joining them: the
 * values compare as the joined texts do, dimension by dimension, unless one holds a NUL (a hostile
 * log), where the joined texts decide. At 1 M rows most groups tie on bucket and size with another,
 * and a text per group was most of the order's cost and its garbage.
 */
function compareKeys(r: Rollup, a: number, b: number): number {
  const n = r.dims.length;
  for (let i = 0; i < n; i++) {
    const x = r.valueOf(a, i);
    const y = r.valueOf(b, i);
    if (x === y) continue;
    if (x.includes('\u0000') || y.includes('\u0000')) {
      const ka = keyText({ key: keyOf(r, a) });
      const kb = keyText({ key: keyOf(r, b) });
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }
    return x < y ? -1 : 1;
  }
  return 0;
}

function keyText(row: Pick<GroupRow, 'key'>): string {
  return Object.values(row.key).join('\u0000');
}

/**
 * Rows of a rollup: by bucket (none first), then biggest first, then by key. `made`: rows whose
 * figures are made when read (RollupRow), for a renderer that reads each row once.
 */
export function rowsOf(r: Rollup, made = false): GroupRow[] {
  return rowOrder(r).map(made ? (g) => new RollupRow(r, g) : (g) => rowOf(r, g));
}

/**
 * One row for the whole rollup: its groups' counters and histograms added up as they are (no
 * regrouping into a rollup of one group, with its key table, for a sum).
 */
export function totalOf(r: Rollup): GroupRow {
  const sum = new Float64Array(STRIDE);
  const hist = new Uint32Array(BINS);
  const counters = r.counters;
  const slots = r.histSlots;
  const bins = r.hist;
  for (let g = 0; g < r.size; g++) {
    const at = g * STRIDE;
    for (let c = 0; c < STRIDE; c++) {
      const v = counters[at + c];
      if (v !== 0) sum[c] += v;
    }
    if (slots[g] < 0) continue;
    const from = slots[g] * BINS;
    // most bins are empty (latencies cluster): no store for them
    for (let i = 0; i < BINS; i++) {
      const v = bins[from + i];
      if (v !== 0) hist[i] += v;
    }
  }
  const counts = countsOf(sum);
  return { bucket: null, key: {}, counts, rates: ratesOf(counts), latency: summarize(hist, 0) };
}

/** Rows by `dims` over all buckets (the per-ISP and per-IP tables). */
export function tableOf(r: Rollup, dims: readonly string[]): GroupRow[] {
  return rowsOf(regroup(r, dims, null));
}

/** Totals per bucket (the time series). */
export function seriesOf(r: Rollup): GroupRow[] {
  return rowsOf(regroup(r, [], (start) => start)).filter((row) => row.bucket !== null);
}

/** Keep the `top` biggest keys (over all buckets); returns the rows kept and how many keys went. */
export function keepTop(rows: readonly GroupRow[], top: number | null): { rows: GroupRow[]; omitted: number } {
  if (top === null) return { rows: [...rows], omitted: 0 };
  const size = new Map<string, number>();
  for (const row of rows) size.set(keyText(row), (size.get(keyText(row)) ?? 0) + volume(row.counts));
  if (size.size <= top) return { rows: [...rows], omitted: 0 };
  const kept = new Set(
    [...size.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, top)
      .map(([k]) => k),
  );
  return { rows: rows.filter((row) => kept.has(keyText(row))), omitted: size.size - kept.size };
}

/**
 * Keep the `top` keys first in `order` (ranked on their totals over all buckets, ties by key);
 * rows come out by bucket, then by that rank.
 */
export function keepTopOrdered(
  rows: readonly GroupRow[],
  keyRows: readonly GroupRow[],
  top: number | null,
  order: (a: GroupRow, b: GroupRow) => number,
): { rows: GroupRow[]; omitted: number } {
  const ranked = [...keyRows].sort((a, b) => order(a, b) || (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0));
  const kept = top === null ? ranked : ranked.slice(0, top);
  const rank = new Map(kept.map((row, i) => [keyText(row), i]));
  const out = rows.filter((row) => rank.has(keyText(row)));
  out.sort(
    (a, b) =>
      (a.bucket ?? Number.NEGATIVE_INFINITY) - (b.bucket ?? Number.NEGATIVE_INFINITY) ||
      (rank.get(keyText(a)) ?? 0) - (rank.get(keyText(b)) ?? 0),
  );
  return { rows: out, omitted: ranked.length - kept.length };
}
