/**
 * Verdicts: what the rules say about a rollup. Rules and verdicts are plain data; src/verdict
 * never prints and never decides an exit code (src/cli/ maps levels to Nagios statuses).
 */
import type { ErrorPosition } from '../errors.js';
import type { RateName } from '../rollup/counters.js';
import { isOneOf } from '../util/one-of.js';

/** INFO is a fact worth showing (capacity) that never raises the status. */
export const LEVELS = ['OK', 'INFO', 'WARN', 'CRIT'] as const;
export type Level = (typeof LEVELS)[number];

const SEVERITY: Readonly<Record<Level, number>> = { OK: 0, INFO: 0, WARN: 1, CRIT: 2 };
/** Where a level goes in a list of verdicts: the worst first, a fact (INFO) before an OK. */
const RANK: Readonly<Record<Level, number>> = { CRIT: 0, WARN: 1, INFO: 2, OK: 3 };

/** 0 for OK and INFO, 1 WARN, 2 CRIT: the Nagios status a level stands for. */
export function severity(level: Level): number {
  return SEVERITY[level];
}

/** The order of levels in every list of verdicts (evaluate's, so every output's): CRIT, WARN, INFO, OK. */
export function levelRank(level: Level): number {
  return RANK[level];
}

/** The dimensions a rule can be scoped to (besides the total). */
export const SCOPE_DIMS = ['isp', 'ip', 'vmta', 'pool'] as const;
export type ScopeDim = (typeof SCOPE_DIMS)[number];

export function isScopeDim(s: string): s is ScopeDim {
  return isOneOf(SCOPE_DIMS, s);
}

/**
 * Where a rule looks: the total (dim null), each value of a dimension (value null: one verdict per
 * ISP, per IP...), or one value (isp=gmail).
 */
export interface Scope {
  readonly dim: ScopeDim | null;
  readonly value: string | null;
}

export type RateMetric = RateName;
export const METRICS = ['deferral', 'bounce', 'hardBounce', 'complaint', 'silence', 'msgRate', 'capacity'] as const;
export type Metric = (typeof METRICS)[number];

/** Where a rule came from, for messages about it. */
export interface RuleOrigin {
  readonly file: string;
  readonly line: number;
}

interface RuleBase {
  /** Unique within a rule set; a rules-file rule with a built-in's name replaces it. */
  readonly name: string;
  readonly scope: Scope;
  /** Window length, seconds (a whole number of minutes). */
  readonly window: number;
  /** Whether `check` writes performance data for its verdicts. */
  readonly perfdata: boolean;
  /**
   * Seconds a new level must hold before `tail` alerts on it (the rules file's `for`); absent or
   * 0: at once. Damps a rate that flaps around its threshold; reports and check ignore it.
   */
  readonly hold?: number;
  readonly origin: RuleOrigin | null;
}

/** A rate over a window: WARN above `warn`, CRIT above `crit` (fractions), silent below `minVolume`. */
export interface RateRule extends RuleBase {
  readonly metric: RateMetric;
  readonly warn: number | null;
  readonly crit: number | null;
  /** Smallest denominator (attempts for deferral, delivered + bounced for bounces...) judged. */
  readonly minVolume: number;
}

/** Nothing delivered over the window while records keep arriving, or nothing at all in sending hours. */
export interface SilenceRule extends RuleBase {
  readonly metric: 'silence';
  readonly level: 'WARN' | 'CRIT';
  /** Records (d, b, t, tq) needed in the window for "still arriving". */
  readonly minVolume: number;
  /** Expected sending hours (minutes of the day in the rule set's zone, [from, to), may wrap); null: always. */
  readonly hours: { readonly from: number; readonly to: number } | null;
}

/** Attempts per hour of each sending IP to each ISP against its max-msg-rate (fractions of the limit). */
export interface MsgRateRule extends RuleBase {
  readonly metric: 'msgRate';
  readonly warn: number;
  readonly crit: number | null;
}

/** INFO: how many more messages per hour each pool could send to each ISP at its limits. */
export interface CapacityRule extends RuleBase {
  readonly metric: 'capacity';
}

export type Rule = RateRule | SilenceRule | MsgRateRule | CapacityRule;

export function isRateRule(rule: Rule): rule is RateRule {
  return rule.metric === 'deferral' || rule.metric === 'bounce' || rule.metric === 'hardBounce' || rule.metric === 'complaint';
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  /** Zone of silence rules' sending hours. */
  readonly tz: string;
  /** The rules file, or null for the built-in rules alone. */
  readonly file: string | null;
  /** The `scope: isp=ID` values of the rules file and where each is written (isp-scopes.ts checks them). */
  readonly ispScopes?: readonly { readonly id: string; readonly at: ErrorPosition }[];
}

export interface Verdict {
  readonly level: Level;
  /** The rule's name. */
  readonly rule: string;
  readonly metric: Metric;
  /** Dimension values judged: {} for the total, { isp: 'gmail' }, { ip, isp }, { pool, isp }. */
  readonly scope: Readonly<Record<string, string>>;
  /**
   * Observed: a fraction for rates, attempts per hour for msgRate and capacity, messages
   * delivered in the window for silence.
   */
  readonly value: number;
  /** The threshold crossed (the warning one when OK), in the unit of value; null when none applies. */
  readonly threshold: number | null;
  readonly warn: number | null;
  readonly crit: number | null;
  /** Numerator of a rate (deferred...), attempts for msgRate and capacity, delivered for silence. */
  readonly count: number;
  /** What minVolume is checked against: the rate's denominator, records for silence, attempts otherwise. */
  readonly volume: number;
  /** max-msg-rate per hour (msgRate: the IP's, capacity: the pool's sum); null for other metrics. */
  readonly limit: number | null;
  /** Judged span [start, end) (epoch seconds) and the rule's nominal window (seconds). */
  readonly window: { readonly start: number; readonly end: number; readonly seconds: number };
  /** One line for humans: "gmail deferral 4.2% (1,310 of 31,200) over the last 1h > 3%". */
  readonly message: string;
}
