/**
 * `report` as a function: inputs and options in, ReportModel out. The CLI only turns argv into a
 * ReportRequest and the model into text.
 */
import type { Dimension } from '../../classify/classifier.js';
import { engineOptionsOf, type EngineOptions, type ReadingRequest, type RunSettings } from '../../engine/options.js';
import { runRollup } from '../../engine/run.js';
import { bucketSeconds, type BucketSize } from '../../rollup/buckets.js';
import { describeInputs, resolveInputPaths } from '../../source/inputs.js';
import { pruneByName } from '../../source/prune.js';
import { PmtaAcctError } from '../../errors.js';
import type { HistorySource } from '../../history/history.js';
import { bucketFitsDays, bucketForDays, saveDays } from '../../history/summary-dir.js';
import type { CompareMode } from '../../model/compare.js';
import { compareReport } from './compare.js';
import { buildModel, type ReportModel } from '../../model/model.js';
import { inputOfRun } from '../sources/files.js';
import { INCIDENT_REACH } from '../../verdict/incidents.js';
import { judgeFiles, judgeIncidents, windowSpec, type VerdictPlan } from '../../verdict/plan.js';

export interface ReportRequest extends ReadingRequest, RunSettings {
  readonly inputs: readonly string[];
  readonly by: readonly Dimension[];
  /** Extra fields the renderers need (per-ISP/per-IP tables, reasons by bounceCat and diag). */
  readonly alsoBy: readonly string[];
  readonly bucket: BucketSize | null;
  readonly top: number | null;
  /** Build the model's views beside the groups (ModelOptions.views; default true). */
  readonly views?: boolean;
  /** Verdicts to judge in the same pass (absent or null: none). */
  readonly verdicts?: VerdictPlan | null;
}

/** What the nightly report adds to a plain run (all optional). */
export interface ReportExtras {
  /** Time buckets for charts even without --bucket (1h unless --bucket says otherwise). */
  readonly charts?: boolean;
  /** Write daily summaries of the period here (history/summary-dir.ts). */
  readonly save?: string | null;
  readonly compare?: CompareMode | null;
  /** Where --compare finds earlier periods. */
  readonly history?: HistorySource | null;
}

export interface ReportOutcome {
  readonly model: ReportModel;
  /** Daily summary files written by --save. */
  readonly saved: readonly string[];
}

/** The rollup's bucket: --bucket, or one fit for charts and for cutting whole days (--save). */
function engineBucket(req: ReportRequest, extras: ReportExtras): BucketSize | null {
  if (extras.save !== undefined && extras.save !== null) {
    if (req.since === null || req.until === null) {
      throw new PmtaAcctError('USAGE', '--save records whole local days: give --since and --until (e.g. --since yesterday --until today)');
    }
    if (req.bucket === null) return bucketForDays(req.since, req.until, req.tz);
    if (!bucketFitsDays(req.bucket, req.since, req.until, req.tz)) {
      throw new PmtaAcctError('USAGE', `--save: ${req.bucket} buckets do not end at local midnight in ${req.tz}; leave --bucket out or use a smaller one`);
    }
    return req.bucket;
  }
  return req.bucket ?? (extras.charts === true ? '1h' : null);
}

export async function runReport(req: ReportRequest): Promise<ReportModel> {
  return (await runReportWith(req, {})).model;
}

export async function runReportWith(req: ReportRequest, extras: ReportExtras): Promise<ReportOutcome> {
  const dims: string[] = [...req.by];
  for (const d of req.alsoBy) if (!dims.includes(d)) dims.push(d);
  const save = extras.save ?? null;
  if (save !== null) for (const d of ['isp', 'ip'] as const) if (!dims.includes(d)) dims.push(d);
  const bucket = engineBucket(req, extras);
  const engine: EngineOptions = { ...engineOptionsOf(req, dims, bucket), windows: req.verdicts ? windowSpec(req.verdicts, INCIDENT_REACH) : null };
  // Rotated files whose names put them outside --since/--until are never opened (source/prune.ts).
  const files = describeInputs(pruneByName(resolveInputPaths(req.inputs), req.since, req.until).kept);
  const result = await runRollup(files, engine, { threads: req.threads, minRange: req.minRange });
  let model = buildModel(
    inputOfRun(result),
    { by: req.by, bucket: req.bucket, seriesBucket: bucket, since: req.since, until: req.until, tz: req.tz, top: req.top, views: req.views },
  );
  if (req.verdicts) {
    const verdicts = judgeFiles(req.verdicts, result.windows, result.stats.lastEvent);
    const incidents = judgeIncidents(req.verdicts, result.windows, bucketSeconds(req.verdicts.bucket), result.stats.firstEvent, verdicts);
    model = { ...model, verdicts, incidents, rules: req.verdicts.rules };
  }
  const saved = save === null || req.since === null || req.until === null ? [] : saveDays(save, result.rollup, req.since, req.until, req.tz, {
    files: result.files, records: result.stats.records, badRecords: result.problems.badRecords,
  }, model.incidents ?? null);
  if (extras.compare !== undefined && extras.compare !== null) {
    if (extras.history === undefined || extras.history === null) {
      throw new PmtaAcctError('USAGE', '--compare needs a history: --history DIR (daily summaries written by report --save DIR)');
    }
    model = { ...model, comparison: await compareReport(model, extras.compare, extras.history) };
  }
  return { model, saved };
}
