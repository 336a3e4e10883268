/**
 * Rate thresholds, shared by the verdicts and by the tables that highlight what the rules say
 * (a table row covers the report's whole range, not a rule's window: highlighting uses a rule's
 * thresholds and minimum volume, not its window).
 */
import { rateParts, type Counts } from '../rollup/counters.js';
import { isRateRule, type RateMetric, type RateRule, type Rule } from './types.js';

/** Relative slack so that a rate exactly at its threshold (3 of 100 against 3%) is not above it. */
const EPSILON = 1e-9;

/** num / den > threshold, exactly at the threshold counting as not above. */
export function above(num: number, den: number, threshold: number): boolean {
  return num > threshold * den * (1 + EPSILON);
}

export function rateLevel(num: number, den: number, warn: number | null, crit: number | null): 'OK' | 'WARN' | 'CRIT' {
  if (crit !== null && above(num, den, crit)) return 'CRIT';
  if (warn !== null && above(num, den, warn)) return 'WARN';
  return 'OK';
}

/**
 * The rate rule that fits a row best: one for the row's own value (isp=gmail), else one for each
 * value of one of the row's dimensions, else the total's, else the metric's first rule (so that
 * per-IP rows use the per-ISP thresholds when no rule names IPs).
 */
export function ruleForRow(rules: readonly Rule[], metric: RateMetric, key: Readonly<Record<string, string>>): RateRule | null {
  const candidates = rules.filter((r): r is RateRule => isRateRule(r) && r.metric === metric);
  const dims = Object.keys(key);
  return (
    candidates.find((r) => r.scope.dim !== null && r.scope.value !== null && key[r.scope.dim] === r.scope.value) ??
    candidates.find((r) => r.scope.dim !== null && r.scope.value === null && dims.includes(r.scope.dim)) ??
    candidates.find((r) => r.scope.dim === null) ??
    candidates.find((r) => r.scope.value === null) ??
    null
  );
}

/** A row's level for one rate under the rule that fits it; OK below the rule's minimum volume. */
export function rowRateLevel(
  rules: readonly Rule[],
  metric: RateMetric,
  key: Readonly<Record<string, string>>,
  counts: Counts,
): 'OK' | 'WARN' | 'CRIT' {
  const rule = ruleForRow(rules, metric, key);
  if (rule === null) return 'OK';
  const [num, den] = rateParts(metric, counts);
  if (den === 0 || den < rule.minVolume) return 'OK';
  return rateLevel(num, den, rule.warn, rule.crit);
}
