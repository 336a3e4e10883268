/**
 * The rollup source of accounting files: the engine reads them (threads over byte ranges, one
 * parser, classifier and rollup) and counts the verdict windows in the same pass. Rotated files
 * whose names put them outside --since/--until are never opened (source/prune.ts).
 */
import { engineOptionsOf, type EngineOptions, type RunSettings } from '../../engine/options.js';
import { runRollup, type RunResult } from '../../engine/run.js';
import { PmtaAcctError } from '../../errors.js';
import type { HistorySource } from '../../history/history.js';
import { bucketFitsDays, bucketForDays } from '../../history/summary-dir.js';
import { buildModel, type ModelInput } from '../../model/model.js';
import type { BucketSize } from '../../rollup/buckets.js';
import { selectInputs } from '../../source/inputs.js';
import { INCIDENT_REACH } from '../../verdict/incidents.js';
import { judgeFiles, windowSpec, type VerdictPlan } from '../../verdict/plan.js';
import type { CheckAnswer, ReportShape, RollupQuestion, RollupSource, SourceReport } from './rollup-source.js';

/** A question to the files source: which files, and how to read them. */
export interface ReportRequest extends RollupQuestion, RunSettings {
  readonly inputs: readonly string[];
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

/** The rollup's bucket: --bucket, or one fit for charts and for cutting whole days (--save). */
function rollupBucket(q: RollupQuestion, shape: ReportShape): BucketSize | null {
  if (shape.days === true) {
    if (q.since === null || q.until === null) {
      throw new PmtaAcctError('USAGE', '--save records whole local days: give --since and --until (e.g. --since yesterday --until today)');
    }
    if (q.bucket === null) return bucketForDays(q.since, q.until, q.tz);
    if (!bucketFitsDays(q.bucket, q.since, q.until, q.tz)) {
      throw new PmtaAcctError(
        'USAGE',
        `--save: ${q.bucket} buckets do not end at local midnight in ${q.tz}; leave --bucket out or use a smaller one`,
      );
    }
    return q.bucket;
  }
  return q.bucket ?? (shape.charts === true ? '1h' : null);
}

export class FilesSource implements RollupSource {
  constructor(
    private readonly inputs: readonly string[],
    private readonly reading: RunSettings,
  ) {}

  async report(q: RollupQuestion, shape: ReportShape): Promise<SourceReport> {
    const dims: string[] = [...q.by];
    for (const d of q.alsoBy) if (!dims.includes(d)) dims.push(d);
    if (shape.days === true) for (const d of ['isp', 'ip'] as const) if (!dims.includes(d)) dims.push(d);
    const bucket = rollupBucket(q, shape);
    const request = { ...this.reading, tz: q.tz, since: q.since, until: q.until };
    const engine: EngineOptions = {
      ...engineOptionsOf(request, dims, bucket),
      windows: q.verdicts ? windowSpec(q.verdicts, INCIDENT_REACH) : null,
    };
    const { files, notes } = selectInputs(this.inputs, q.since, q.until);
    const result = await runRollup(files, engine, {
      threads: this.reading.threads,
      autoThreads: this.reading.autoThreads,
      minRange: this.reading.minRange,
    });
    let model = buildModel(inputOfRun(result), {
      by: q.by,
      bucket: q.bucket,
      seriesBucket: bucket,
      since: q.since,
      until: q.until,
      tz: q.tz,
      top: q.top,
      views: q.views,
    });
    if (q.verdicts) {
      const { summary: verdicts, incidents } = judgeFiles(q.verdicts, result.windows, result.stats.firstEvent, result.stats.lastEvent);
      model = { ...model, verdicts, incidents, rules: q.verdicts.rules };
    }
    return { model, notes, days: shape.days === true ? result.rollup : null };
  }

  async check(q: RollupQuestion, plan: VerdictPlan): Promise<CheckAnswer> {
    const { model, notes } = await this.report({ ...q, by: [], alsoBy: [], bucket: null, top: null, verdicts: plan }, {});
    return { model, notes };
  }

  history(): HistorySource | null {
    return null;
  }
}
