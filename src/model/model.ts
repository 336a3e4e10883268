/**
 * The report as data: what every renderer (table, JSON, CSV, Markdown) draws from. Built from a
 * run's rollup by regrouping; the JSON renderer writes this shape (version 1, see README).
 */
import type { Problem, ProblemCode } from '../parse/problems.js';
import type { BucketSize } from '../rollup/buckets.js';
import { COUNTER_NAMES, countsOf, ratesOf, recordsOf, STRIDE, type Counts, type Rates } from '../rollup/counters.js';
import { BINS, summarize, type LatencySummary } from '../rollup/latency.js';
import { regroup } from '../rollup/regroup.js';
import type { Rollup } from '../rollup/rollup.js';
import type { SinkStats } from '../engine/options.js';
import type { RunResult } from '../engine/run.js';
import type { IncidentSummary } from '../verdict/incidents.js';
import type { VerdictSummary } from '../verdict/plan.js';
import type { RuleSet } from '../verdict/types.js';
import type { Comparison } from './compare.js';
import { reasonsOf, type ReasonRow } from './reasons.js';

export interface GroupRow {
  /** Bucket start, epoch seconds; null without buckets. */
  readonly bucket: number | null;
  readonly key: Readonly<Record<string, string>>;
  readonly counts: Counts;
  readonly rates: Rates;
  readonly latency: LatencySummary;
}

/** Bytes lost because a file went away unread while `tail` was stopped (report --state). */
export interface GapInfo {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
  readonly missing: number;
  readonly reason: string;
  readonly detectedAt: number;
}

export interface InputSummary {
  readonly files: number;
  readonly bytes: number;
  readonly records: number;
  readonly counted: number;
  readonly badRecords: number;
  readonly warnings: number;
  readonly filtered: number;
  readonly untimed: number;
  readonly unknownTypes: Readonly<Record<string, number>>;
  readonly firstEvent: number | null;
  readonly lastEvent: number | null;
  readonly problemCounts: Readonly<Partial<Record<ProblemCode, number>>>;
  readonly problems: readonly Problem[];
  /** Only from a tail state: data known to be lost (never silent). */
  readonly gaps?: readonly GapInfo[];
}

export interface ReportModel {
  readonly range: { readonly since: number | null; readonly until: number | null; readonly tz: string };
  readonly by: readonly string[];
  readonly bucket: BucketSize | null;
  readonly input: InputSummary;
  readonly total: GroupRow;
  /** Groups by `by` (and bucket), biggest first within each bucket. */
  readonly groups: readonly GroupRow[];
  /** Keys dropped by --top (0 when none). */
  readonly omittedKeys: number;
  /** Per-ISP and per-IP rows over the whole range (when the rollup has those dimensions). */
  readonly byIsp: readonly GroupRow[] | null;
  readonly byIp: readonly GroupRow[] | null;
  /** Totals per bucket: of --bucket, or of the buckets a renderer asked for (`seriesBucket`). */
  readonly series: readonly GroupRow[];
  /** Per-ISP rows per bucket (charts and sparklines), when the rollup has ISPs and buckets. */
  readonly ispSeries: readonly GroupRow[];
  /** Bucket size of `series` and `ispSeries` (null: none). */
  readonly seriesBucket: BucketSize | null;
  /** Rows by `by` over the whole range (the same as `groups` without --bucket). */
  readonly byKey: readonly GroupRow[];
  /** Bounce and deferral reasons, when the rollup has `bounceCat` (see reasons.ts). */
  readonly reasons: readonly ReasonRow[] | null;
  /** What the rules say, shown first by every renderer; absent when not judged (--no-verdicts). */
  readonly verdicts?: VerdictSummary | null;
  /** What went wrong during the period: every window of it judged (absent or null: not judged). */
  readonly incidents?: IncidentSummary | null;
  /** The rules tables are highlighted by (the built-in ones when absent). */
  readonly rules?: RuleSet;
  /** Figures of an earlier period to compare with (`--compare`), null without. */
  readonly comparison: Comparison | null;
}

/** Records of every kind in a group: how big it is, for ordering. */
export function volume(c: Counts): number {
  return recordsOf(c);
}

/** Group g of a rollup as a row. */
export function rowOf(r: Rollup, g: number): GroupRow {
  const key: Record<string, string> = {};
  r.dims.forEach((d, i) => {
    key[d] = r.valueOf(g, i);
  });
  const counts = countsOf(r.counters, g * STRIDE);
  const start = r.bucketOf(g);
  return { bucket: Number.isNaN(start) ? null : start, key, counts, rates: ratesOf(counts), latency: summarize(r.hist, r.histSlots[g] < 0 ? -1 : r.histSlots[g] * BINS) };
}

/**
 * The groups of a rollup in the order of its rows: by bucket (none first), then biggest first,
 * then by key. Sort keys are taken once per group, and no row is made (a caller writing rows one at
 * a time makes each when it writes it).
 */
export function rowOrder(r: Rollup): number[] {
  const n = r.size;
  const bucket = new Float64Array(n);
  const size = new Float64Array(n);
  const key: string[] = new Array<string>(n);
  for (let g = 0; g < n; g++) {
    const start = r.bucketOf(g);
    bucket[g] = Number.isNaN(start) ? Number.NEGATIVE_INFINITY : start;
    size[g] = volume(countsOf(r.counters, g * STRIDE));
    key[g] = r.dims.map((_, i) => r.valueOf(g, i)).join('\u0000');
  }
  const order = Array.from({ length: n }, (_, g) => g);
  order.sort((a, b) => {
    if (bucket[a] !== bucket[b]) return bucket[a] - bucket[b];
    if (size[a] !== size[b]) return size[b] - size[a];
    return key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : 0;
  });
  return order;
}

function keyText(row: GroupRow): string {
  return Object.values(row.key).join('\u0000');
}

/** Rows of a rollup: by bucket (none first), then biggest first, then by key. */
export function rowsOf(r: Rollup): GroupRow[] {
  return rowOrder(r).map((g) => rowOf(r, g));
}

/** One row for the whole rollup. */
export function totalOf(r: Rollup): GroupRow {
  const all = regroup(r, [], null);
  if (all.size === 0) {
    const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Counts;
    return { bucket: null, key: {}, counts, rates: ratesOf(counts), latency: summarize(undefined, -1) };
  }
  return rowOf(all, 0);
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
  const kept = new Set([...size.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top).map(([k]) => k));
  return { rows: rows.filter((row) => kept.has(keyText(row))), omitted: size.size - kept.size };
}

/**
 * Keep the `top` keys first in `order` (ranked on their totals over all buckets, ties by key);
 * rows come out by bucket, then by that rank.
 */
export function keepTopOrdered(rows: readonly GroupRow[], keyRows: readonly GroupRow[], top: number | null, order: (a: GroupRow, b: GroupRow) => number): { rows: GroupRow[]; omitted: number } {
  const ranked = [...keyRows].sort((a, b) => order(a, b) || (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0));
  const kept = top === null ? ranked : ranked.slice(0, top);
  const rank = new Map(kept.map((row, i) => [keyText(row), i]));
  const out = rows.filter((row) => rank.has(keyText(row)));
  out.sort((a, b) => (a.bucket ?? Number.NEGATIVE_INFINITY) - (b.bucket ?? Number.NEGATIVE_INFINITY) || (rank.get(keyText(a)) ?? 0) - (rank.get(keyText(b)) ?? 0));
  return { rows: out, omitted: ranked.length - kept.length };
}

export interface ModelOptions {
  readonly by: readonly string[];
  readonly bucket: BucketSize | null;
  /** Bucket size of the rollup when it differs from `bucket` (buckets only for charts). */
  readonly seriesBucket?: BucketSize | null;
  readonly since: number | null;
  readonly until: number | null;
  readonly tz: string;
  readonly top: number | null;
  /** Order of the keys (query --sort); default: by size, biggest first. */
  readonly order?: (a: GroupRow, b: GroupRow) => number;
  /**
   * Build the views beside the groups (per-ISP and per-IP tables, byKey, the series, the reasons);
   * default true. JSON and CSV show only the total and the groups: each view is a regrouping of
   * every group, a fifth of a 1 M-row report's time when it is all thrown away.
   */
  readonly views?: boolean;
}

export interface ModelInput {
  readonly rollup: Rollup;
  readonly stats: SinkStats;
  readonly files: number;
  readonly bytes: number;
  readonly badRecords: number;
  readonly warnings: number;
  readonly problemCounts: Readonly<Partial<Record<ProblemCode, number>>>;
  readonly problems: readonly Problem[];
  readonly gaps?: readonly GapInfo[];
}

/** A run over files as the model's input. */
export function inputOfRun(result: RunResult): ModelInput {
  return {
    rollup: result.rollup,
    stats: result.stats,
    files: result.files,
    bytes: result.bytes,
    badRecords: result.problems.badRecords,
    warnings: result.problems.warnings,
    problemCounts: result.problems.byCode,
    problems: result.problems.first,
  };
}

export function buildModel(input: ModelInput, opts: ModelOptions): ReportModel {
  const r = input.rollup;
  const views = opts.views !== false;
  const seriesBucket = opts.seriesBucket ?? opts.bucket;
  const sameShape = r.dims.length === opts.by.length && r.dims.every((d, i) => d === opts.by[i]) && seriesBucket === opts.bucket;
  const grouped = sameShape ? r : regroup(r, opts.by, opts.bucket === null ? null : (start) => start);
  const rows = rowsOf(grouped);
  const top = opts.order === undefined
    ? keepTop(rows, opts.top)
    : keepTopOrdered(rows, opts.bucket === null ? rows : tableOf(grouped, opts.by), opts.top, opts.order);
  return {
    range: { since: opts.since, until: opts.until, tz: opts.tz },
    by: [...opts.by],
    bucket: opts.bucket,
    input: {
      files: input.files,
      bytes: input.bytes,
      records: input.stats.records,
      counted: input.stats.counted,
      badRecords: input.badRecords,
      warnings: input.warnings,
      filtered: input.stats.filtered,
      untimed: input.stats.untimed,
      unknownTypes: input.stats.unknownTypes,
      firstEvent: input.stats.firstEvent,
      lastEvent: input.stats.lastEvent,
      problemCounts: input.problemCounts,
      problems: input.problems,
      ...(input.gaps === undefined ? {} : { gaps: input.gaps }),
    },
    total: totalOf(r),
    groups: top.rows,
    omittedKeys: top.omitted,
    byIsp: views && r.dims.includes('isp') ? tableOf(r, ['isp']) : null,
    byIp: views && r.dims.includes('ip') ? tableOf(r, ['ip']) : null,
    series: views && seriesBucket !== null ? seriesOf(r) : [],
    ispSeries: views && seriesBucket !== null && r.dims.includes('isp') ? rowsOf(regroup(r, ['isp'], (start) => start)).filter((row) => row.bucket !== null) : [],
    seriesBucket,
    byKey: opts.bucket === null ? top.rows : views ? tableOf(r, opts.by) : [],
    reasons: views ? reasonsOf(r) : null,
    comparison: null,
  };
}
