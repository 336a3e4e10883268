/**
 * The report as data: what every renderer (table, JSON, CSV, Markdown) draws from. Built from a
 * run's rollup by regrouping; the JSON renderer writes this shape (version 1, see README).
 */
import type { Problem, ProblemCode } from '../parse/problems.js';
import type { BucketSize } from '../rollup/buckets.js';
import { regroup } from '../rollup/regroup.js';
import type { Rollup } from '../rollup/rollup.js';
import type { IncidentSummary } from '../verdict/incidents.js';
import type { VerdictSummary } from '../verdict/plan.js';
import type { RuleSet } from '../verdict/types.js';
import type { Comparison } from './compare.js';
import { reasonsOf, type ReasonRow } from './reasons.js';
import { keepTop, keepTopOrdered, rowsOf, seriesOf, tableOf, totalOf, type GroupRow } from './rows.js';

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
   * every group, a fifth of a 1 M-row report's time when it is all thrown away. Without them, the
   * groups' figures are made each time they are read (rows.ts RollupRow).
   */
  readonly views?: boolean;
}

/** What a rollup source counted besides the rollup (engine/options.ts SinkStats has these and more). */
export interface InputStats {
  readonly records: number;
  readonly counted: number;
  readonly filtered: number;
  readonly untimed: number;
  readonly unknownTypes: Readonly<Record<string, number>>;
  readonly firstEvent: number | null;
  readonly lastEvent: number | null;
}

/** What a rollup source (src/app/sources/) hands the model: the rollup and the input's figures. */
export interface ModelInput {
  readonly rollup: Rollup;
  readonly stats: InputStats;
  readonly files: number;
  readonly bytes: number;
  readonly badRecords: number;
  readonly warnings: number;
  readonly problemCounts: Readonly<Partial<Record<ProblemCode, number>>>;
  readonly problems: readonly Problem[];
  readonly gaps?: readonly GapInfo[];
}

/** The input of a model read from a store (a ClickHouse fleet): no files, bytes or bad records are kept there. */
export function storedInput(rollup: Rollup, stats: InputStats): ModelInput {
  return { rollup, stats, files: 0, bytes: 0, badRecords: 0, warnings: 0, problemCounts: {}, problems: [] };
}

/**
 * Groups from which a report is big (here and in render/json.ts): without the views (the groups are then read once, by the JSON or CSV), rows
 * make their figures when read (rows.ts RollupRow): at 1 M rows (7,300 groups) rows built at once
 * outlived young-generation collections, most of the model's time. Below, a row's objects die
 * young anyway, and rows built at once cost less: in V8's interpreter, where a small report stays,
 * the objects of rows made late took their shapes after the verdicts' (the judging then made its
 * counts through a slower path: 1-2% of the 10,000-row report's instructions, bench/RESULTS.md).
 */
export const BIG_REPORT_GROUPS = 2048;

export function buildModel(input: ModelInput, opts: ModelOptions): ReportModel {
  const r = input.rollup;
  const views = opts.views !== false;
  const seriesBucket = opts.seriesBucket ?? opts.bucket;
  const sameShape = r.dims.length === opts.by.length && r.dims.every((d, i) => d === opts.by[i]) && seriesBucket === opts.bucket;
  const grouped = sameShape ? r : regroup(r, opts.by, opts.bucket === null ? null : (start) => start);
  const rows = rowsOf(grouped, !views && grouped.size >= BIG_REPORT_GROUPS);
  const top =
    opts.order === undefined
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
    ispSeries:
      views && seriesBucket !== null && r.dims.includes('isp')
        ? rowsOf(regroup(r, ['isp'], (start) => start)).filter((row) => row.bucket !== null)
        : [],
    seriesBucket,
    byKey: opts.bucket === null ? top.rows : views ? tableOf(r, opts.by) : [],
    reasons: views ? reasonsOf(r) : null,
    comparison: null,
  };
}
