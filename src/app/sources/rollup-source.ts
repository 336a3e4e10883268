/**
 * Where `report` and `check` get their numbers: a rollup source. Accounting files (the engine reads
 * them: files.ts), the buckets `tail` stored (state.ts), and the ClickHouse fleet store (clickhouse.ts) each
 * answer the same question with the same model (src/model/), built by the same function from a
 * rollup, with the verdicts of the same plan (src/verdict/); the renderers and the exit codes never
 * know which source it was. A new source is one more implementation of `RollupSource`, chosen by
 * the CLI (`--state DIR`, `--clickhouse URL`); see docs/architecture.md.
 */
import type { Dimension } from '../../classify/classifier.js';
import type { HistorySource } from '../../history/history.js';
import type { ReportModel } from '../../model/model.js';
import type { BucketSize } from '../../rollup/buckets.js';
import type { Rollup } from '../../rollup/rollup.js';
import type { VerdictPlan } from '../../verdict/plan.js';

/** What report and check ask a source. */
export interface RollupQuestion {
  /** The groups' dimensions (`--by`). */
  readonly by: readonly Dimension[];
  /**
   * Fields the renderers need besides (isp and ip for the per-ISP and per-IP tables, bounceCat and
   * diag for the reasons); a source that does not keep one leaves it out.
   */
  readonly alsoBy: readonly string[];
  /** `--bucket`: groups per time bucket; null for none. */
  readonly bucket: BucketSize | null;
  /** Event-time range [since, until), epoch seconds; null = open. */
  readonly since: number | null;
  readonly until: number | null;
  readonly tz: string;
  /** Keep the n biggest keys (`--top` in JSON and CSV); null: all. */
  readonly top: number | null;
  /** Build the model's views beside the groups (ModelOptions.views; default true). */
  readonly views?: boolean;
  /** The verdicts to judge over the same data (absent or null: none). */
  readonly verdicts?: VerdictPlan | null;
}

/** What the nightly formats add to a report question. */
export interface ReportShape {
  /** Time buckets for the charts even without `--bucket` (1 h unless `--bucket` says otherwise). */
  readonly charts?: boolean;
  /** The rollup is to be cut into whole local days (`--save`): its buckets must end at local midnight. */
  readonly days?: boolean;
}

export interface SourceReport {
  /** The model with its verdicts and incidents (no comparison: that is the use case's). */
  readonly model: ReportModel;
  /** Things the user should know about the answer (a range moved to bucket edges). */
  readonly notes: readonly string[];
  /** The rollup the model was built from, in local days when `days` was asked; null when the source cannot cut days. */
  readonly days: Rollup | null;
}

/** What a source answers `check`. */
export interface CheckAnswer {
  /** The verdicts and the input line's figures; no groups. */
  readonly model: ReportModel;
  /** Things the user should know about the input (two streams sharing record types, a file named twice). */
  readonly notes: readonly string[];
}

export interface RollupSource {
  /** The report's model over the question. */
  report(question: RollupQuestion, shape: ReportShape): Promise<SourceReport>;
  /**
   * The verdicts of `plan` alone (`check`): what the rules' windows need, and the input line; the
   * model has no groups.
   */
  check(question: RollupQuestion, plan: VerdictPlan): Promise<CheckAnswer>;
  /** Where `--compare` finds earlier periods when no `--history DIR` says (null: nowhere). */
  history(question: RollupQuestion): HistorySource | null;
}
