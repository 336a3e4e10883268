/**
 * What a run needs for verdicts: which rollup to count (the engine's verdict rollup, see
 * WindowRollupSpec) and, once counted, judging it. The source of the rollup is the caller's: the
 * engine over files today (report, check), tail's stored buckets later (`--state`), which only
 * have to hand `judge` a bucketed rollup by the plan's dimensions and their own default end (now).
 */
import type { Dimension } from '../classify/classifier.js';
import type { WindowRollupSpec } from '../engine/options.js';
import type { RateLimits } from '../pmta-config/limits.js';
import { bucketSeconds } from '../rollup/buckets.js';
import type { Rollup } from '../rollup/rollup.js';
import { evaluate, worstLevel } from './evaluate.js';
import { findIncidents, type IncidentSummary } from './incidents.js';
import type { RuleSet, Verdict } from './types.js';
import { activeRules, bucketFor, dimsFor, floorTo, horizonOf, windowEnd } from './window.js';

export interface VerdictPlan {
  readonly rules: RuleSet;
  readonly limits: RateLimits | null;
  /** `--at`: the window end; null for the default (latest event for files, now for live state). */
  readonly at: number | null;
  readonly dims: readonly Dimension[];
  readonly bucket: '1m' | '5m';
  readonly horizon: number;
}

export function planVerdicts(rules: RuleSet, limits: RateLimits | null, at: number | null): VerdictPlan {
  const active = activeRules(rules, limits !== null);
  return { rules, limits, at, dims: dimsFor(active), bucket: bucketFor(active), horizon: horizonOf(active) };
}

/**
 * The engine's verdict rollup for a plan (with `--at`, only what windows ending there can reach),
 * and for windows ending up to `reach` seconds before that end (incidents).
 */
export function windowSpec(plan: VerdictPlan, reach = 0): WindowRollupSpec {
  const size = bucketSeconds(plan.bucket);
  return {
    dims: plan.dims,
    bucket: plan.bucket,
    since: plan.at === null ? null : floorTo(plan.at - reach - plan.horizon, size),
    until: plan.at,
    horizon: plan.horizon,
    reach,
  };
}

export interface VerdictSummary {
  /** The window end judged (epoch seconds, exclusive); null when there was nothing to judge. */
  readonly end: number | null;
  /** Worst level (INFO counts as OK). */
  readonly status: 'OK' | 'WARN' | 'CRIT';
  readonly verdicts: readonly Verdict[];
  readonly rules: RuleSet;
  /** The PowerMTA config the limits came from, if any. */
  readonly pmtaConfig: string | null;
}

/**
 * Judge a bucketed rollup: windows end at the plan's `--at`, else at `defaultEnd` (one second
 * after the latest event for files, now for live state); with neither, nothing is judged.
 */
export function judge(plan: VerdictPlan, rollup: Rollup | null, bucketSecs: number, defaultEnd: number | null): VerdictSummary {
  const end = plan.at ?? defaultEnd;
  const base = { rules: plan.rules, pmtaConfig: plan.limits?.file ?? null };
  if (end === null || rollup === null) return { ...base, end: null, status: 'OK', verdicts: [] };
  const verdicts = evaluate({ rollup, bucketSeconds: bucketSecs, end, rules: plan.rules, limits: plan.limits });
  return { ...base, end, status: worstLevel(verdicts), verdicts };
}

/**
 * For files: the verdicts at one second after the latest event (or `--at`), and the incidents over
 * the window ends after `firstEvent` up to there, in one pass: the last of those ends is the
 * verdicts' window, judged in full by the same sliding sums (verdict/series.ts) instead of a
 * regrouping of the rollup per rule. Incidents are null when nothing was judged.
 */
export function judgeFiles(
  plan: VerdictPlan,
  rollup: Rollup | null,
  firstEvent: number | null,
  lastEvent: number | null,
): { summary: VerdictSummary; incidents: IncidentSummary | null } {
  const size = bucketSeconds(plan.bucket);
  const end = plan.at ?? windowEnd(null, lastEvent);
  if (rollup === null || firstEvent === null || end === null) return { summary: judge(plan, rollup, size, end), incidents: null };
  let last: readonly Verdict[] | null = null;
  const incidents = findIncidents({
    rollup,
    bucketSeconds: size,
    rules: plan.rules,
    limits: plan.limits,
    from: firstEvent,
    to: end,
    step: size,
    atEnd: (verdicts) => {
      last = verdicts;
    },
  });
  // no window end after the first event (an --at before it): judged on its own
  if (last === null) return { summary: judge(plan, rollup, size, end), incidents };
  const verdicts: readonly Verdict[] = last;
  return { summary: { rules: plan.rules, pmtaConfig: plan.limits?.file ?? null, end, status: worstLevel(verdicts), verdicts }, incidents };
}
