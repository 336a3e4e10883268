/**
 * `report` as a function: a rollup source and a question in, the ReportModel out (with `--save`'s
 * day files written and `--compare`'s comparison). The CLI turns argv into the question and the
 * source, and the model into text; the source (files, a tail state, ...) is any RollupSource.
 */
import { PmtaAcctError } from '../../errors.js';
import type { HistorySource } from '../../history/history.js';
import { saveDays } from '../../history/summary-dir.js';
import type { CompareMode } from '../../model/compare.js';
import type { ReportModel } from '../../model/model.js';
import { FilesSource, type ReportRequest } from '../sources/files.js';
import type { ReportShape, RollupQuestion, RollupSource } from '../sources/rollup-source.js';
import { compareReport } from './compare.js';

/** What the nightly report adds to a plain run (all optional). */
export interface ReportExtras extends ReportShape {
  /** Write daily summaries of the period here (history/summary-dir.ts). */
  readonly save?: string | null;
  readonly compare?: CompareMode | null;
  /** Where --compare finds earlier periods (default: the source's own history, if it has one). */
  readonly history?: HistorySource | null;
}

export interface ReportOutcome {
  readonly model: ReportModel;
  /** Things the user should know (from the source). */
  readonly notes: readonly string[];
  /** Daily summary files written by --save. */
  readonly saved: readonly string[];
}

export async function report(source: RollupSource, q: RollupQuestion, extras: ReportExtras): Promise<ReportOutcome> {
  const save = extras.save ?? null;
  const answer = await source.report(q, { charts: extras.charts, days: save !== null });
  let model = answer.model;
  const days = answer.days;
  const saved =
    save === null || days === null || q.since === null || q.until === null
      ? []
      : saveDays(
          save,
          days,
          q.since,
          q.until,
          q.tz,
          {
            files: model.input.files,
            records: model.input.records,
            badRecords: model.input.badRecords,
          },
          model.incidents ?? null,
        );
  if (extras.compare !== undefined && extras.compare !== null) {
    const history = extras.history ?? source.history(q);
    if (history === null) {
      throw new PmtaAcctError('USAGE', '--compare needs a history: --history DIR (daily summaries written by report --save DIR)');
    }
    model = { ...model, comparison: await compareReport(model, extras.compare, history) };
  }
  return { model, notes: answer.notes, saved };
}

/** A report over files (tests and tools): the files source with the request's reading settings. */
export async function runReport(req: ReportRequest): Promise<ReportModel> {
  return (await report(new FilesSource(req.inputs, req), req, {})).model;
}
