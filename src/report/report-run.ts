/**
 * `report` as a function: inputs and options in, ReportModel out. The CLI only turns argv into a
 * ReportRequest and the model into text.
 */
import { DEFAULT_HARD_CATEGORIES } from '../classify/bounce.js';
import type { Dimension } from '../classify/classifier.js';
import type { Config } from '../config/config-file.js';
import type { EngineOptions } from '../engine/options.js';
import { runRollup } from '../engine/run.js';
import { DEFAULT_KEEP } from '../parse/problems.js';
import { DEFAULT_CHUNK, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_LINES } from '../parse/reader.js';
import type { BucketSize } from '../rollup/buckets.js';
import { expandInputs } from '../source/inputs.js';
import { judgeFiles, windowSpec, type VerdictPlan } from '../verdict/plan.js';
import { buildModel, type ReportModel } from './model.js';

export interface ReportRequest {
  readonly inputs: readonly string[];
  readonly by: readonly Dimension[];
  /** Extra dimensions the renderer needs (the table's per-ISP and per-IP sections). */
  readonly alsoBy: readonly Dimension[];
  readonly bucket: BucketSize | null;
  readonly since: number | null;
  readonly until: number | null;
  readonly tz: string;
  readonly top: number | null;
  readonly config: Config;
  readonly hardCategories: readonly string[] | null;
  readonly header: readonly string[] | null;
  readonly strict: boolean;
  readonly threads: number;
  readonly chunkSize?: number;
  readonly maxRecordBytes?: number;
  readonly maxRecordLines?: number;
  readonly minRange?: number;
  /** Verdicts to judge in the same pass (absent or null: none). */
  readonly verdicts?: VerdictPlan | null;
}

export async function runReport(req: ReportRequest): Promise<ReportModel> {
  const dims = [...req.by];
  for (const d of req.alsoBy) if (!dims.includes(d)) dims.push(d);
  const engine: EngineOptions = {
    dims,
    bucket: req.bucket,
    tz: req.tz,
    since: req.since,
    until: req.until,
    hardCategories: req.hardCategories ?? req.config.hardBounceCategories ?? DEFAULT_HARD_CATEGORIES,
    isps: req.config.isps,
    header: req.header,
    strict: req.strict,
    keepProblems: DEFAULT_KEEP,
    chunkSize: req.chunkSize ?? DEFAULT_CHUNK,
    maxRecordBytes: req.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    maxRecordLines: req.maxRecordLines ?? DEFAULT_MAX_RECORD_LINES,
    windows: req.verdicts ? windowSpec(req.verdicts) : null,
  };
  const files = expandInputs(req.inputs);
  const result = await runRollup(files, engine, { threads: req.threads, minRange: req.minRange });
  const model = buildModel(
    {
      rollup: result.rollup,
      stats: result.stats,
      files: result.files,
      bytes: result.bytes,
      badRecords: result.problems.badRecords,
      warnings: result.problems.warnings,
      problemCounts: result.problems.byCode,
      problems: result.problems.first,
    },
    { by: req.by, bucket: req.bucket, since: req.since, until: req.until, tz: req.tz, top: req.top },
  );
  if (!req.verdicts) return model;
  return { ...model, verdicts: judgeFiles(req.verdicts, result.windows, result.stats.lastEvent), rules: req.verdicts.rules };
}
