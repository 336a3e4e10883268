/**
 * `check` as a function: the verdicts of a plan over a rollup source (files: windows ending just
 * after the latest event; a tail state: now), for the plugin output. No exit code here: the CLI
 * maps the status to one.
 */
import { PmtaAcctError } from '../../errors.js';
import type { ReportModel } from '../../model/model.js';
import { lastRecordBefore } from '../../render/check.js';
import { eventTime } from '../../render/format.js';
import { formatDuration } from '../../render/incident-view.js';
import { redactModel } from '../../render/privacy.js';
import type { VerdictPlan, VerdictSummary } from '../../verdict/plan.js';
import type { Verdict } from '../../verdict/types.js';
import type { RollupQuestion, RollupSource } from '../sources/rollup-source.js';

export interface CheckOutcome {
  /** The input line's figures (no groups), with the verdicts; recipient addresses redacted. */
  readonly model: ReportModel;
  readonly summary: VerdictSummary;
  /** What the user should know about the input: two streams sharing record types (counted twice), a file named twice. */
  readonly notes: readonly string[];
}

export async function check(source: RollupSource, q: RollupQuestion, plan: VerdictPlan): Promise<CheckOutcome> {
  // Record text in bad-record messages can hold recipient addresses: never in a monitoring system.
  const answer = await source.check(q, plan);
  const model = redactModel(answer.model);
  const summary = model.verdicts;
  if (!summary || summary.end === null) {
    throw new PmtaAcctError('INPUT_UNREADABLE', 'no record with a time in the input: nothing to judge (give --at to judge silence)');
  }
  return { model, summary: withLastRecord(summary, lastRecordBefore(model, summary.end), q.tz), notes: answer.notes };
}

/**
 * A total silence verdict with no record at all in its window says when the last record was and
 * how long before the windows' end: "no records at all for 30m" alone does not tell a PowerMTA
 * stopped a minute ago from one stopped last week. Only the total: the input's last record is not
 * a scope's (an ISP's, a host's) last record.
 */
export function withLastRecord(s: VerdictSummary, last: number | null, tz: string): VerdictSummary {
  const end = s.end;
  if (last === null || end === null || !s.verdicts.some(silentTotal)) return s;
  const note = `; last record ${eventTime(last, tz)} ${tz}, ${formatDuration(end - last)} ago`;
  return { ...s, verdicts: s.verdicts.map((v) => (silentTotal(v) ? { ...v, message: v.message + note } : v)) };
}

/** A silence verdict over all mail whose window holds no record at all (evaluate's "no records at all"). */
function silentTotal(v: Verdict): boolean {
  return v.metric === 'silence' && Object.keys(v.scope).length === 0 && v.volume === 0 && v.count === 0;
}
