/**
 * `check` as a function: the verdicts of a plan over a rollup source (files: windows ending just
 * after the latest event; a tail state: now), for the plugin output. No exit code here: the CLI
 * maps the status to one.
 */
import { PmtaAcctError } from '../../errors.js';
import type { ReportModel } from '../../model/model.js';
import { redactModel } from '../../render/privacy.js';
import type { VerdictPlan, VerdictSummary } from '../../verdict/plan.js';
import type { RollupQuestion, RollupSource } from '../sources/rollup-source.js';

export interface CheckOutcome {
  /** The input line's figures (no groups), with the verdicts; recipient addresses redacted. */
  readonly model: ReportModel;
  readonly summary: VerdictSummary;
}

export async function check(source: RollupSource, q: RollupQuestion, plan: VerdictPlan): Promise<CheckOutcome> {
  // Record text in bad-record messages can hold recipient addresses: never in a monitoring system.
  const model = redactModel(await source.check(q, plan));
  const summary = model.verdicts;
  if (!summary || summary.end === null) {
    throw new PmtaAcctError('INPUT_UNREADABLE', 'no record with a time in the input: nothing to judge (give --at to judge silence)');
  }
  return { model, summary };
}
