/**
 * Verdicts as the report's renderers see them: what is wrong, with a number and a threshold. The
 * shape is the part of src/verdict's `VerdictSummary` and `Verdict` that the renderers read (so
 * the rules engine of `check` fills `ReportModel.verdicts` as it is). Until it does,
 * `provisionalVerdicts` judges the whole period with fixed thresholds, so every format can lead
 * with verdicts already.
 */
import { attemptsOf } from '../rollup/counters.js';
import { formatCount, formatRate } from './format.js';
import type { GroupRow, ReportModel } from './model.js';

/** INFO is a fact worth showing that never raises the status. */
export type VerdictLevel = 'OK' | 'INFO' | 'WARN' | 'CRIT';
export type VerdictStatus = 'OK' | 'WARN' | 'CRIT';

export interface ReportVerdict {
  readonly level: VerdictLevel;
  /** Rule name, e.g. `deferral-rate`. */
  readonly rule: string;
  /** What it judged: {} for all mail, { isp: 'gmail' }, { ip, isp }... */
  readonly scope: Readonly<Record<string, string>>;
  /** Observed value (a fraction for rates). */
  readonly value: number;
  readonly threshold: number | null;
  /** What the minimum volume was checked against (attempts for a deferral rate...). */
  readonly volume: number;
  /** One line: `gmail deferral 4.2% (1,310 of 31,200) over the last 1h > 3%`. */
  readonly message: string;
}

export interface VerdictsView {
  /** Worst level (INFO counts as OK): the exit status of `check`. */
  readonly status: VerdictStatus;
  readonly verdicts: readonly ReportVerdict[];
}

/** Anything that judges a finished report model. */
export type VerdictSource = (model: ReportModel) => VerdictsView;

const RANK: Record<VerdictLevel, number> = { OK: 0, INFO: 0, WARN: 1, CRIT: 2 };

/** 0 OK (and INFO), 1 WARN, 2 CRIT. */
export function severityOf(level: VerdictLevel): number {
  return RANK[level];
}

export function statusOf(verdicts: readonly ReportVerdict[]): VerdictStatus {
  let worst = 0;
  for (const v of verdicts) worst = Math.max(worst, RANK[v.level]);
  return worst === 2 ? 'CRIT' : worst === 1 ? 'WARN' : 'OK';
}

/** `isp=gmail,ip=203.0.113.5`, or `total` for all mail (a bounded label value). */
export function scopeText(scope: Readonly<Record<string, string>>): string {
  const parts = Object.entries(scope).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'total' : parts.join(',');
}

const ORDER: Record<VerdictLevel, number> = { CRIT: 0, WARN: 1, INFO: 2, OK: 3 };

/** Worst first (INFO before OK), then the biggest volume (all mail before one ISP), then by rule and scope. */
export function sortVerdicts(verdicts: readonly ReportVerdict[]): ReportVerdict[] {
  return [...verdicts].sort((a, b) => ORDER[a.level] - ORDER[b.level] || b.volume - a.volume
    || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : scopeText(a.scope) < scopeText(b.scope) ? -1 : scopeText(a.scope) > scopeText(b.scope) ? 1 : 0));
}

interface RateRule {
  readonly rule: string;
  readonly label: string;
  readonly rate: (row: GroupRow) => number | null;
  readonly part: (row: GroupRow) => number;
  readonly whole: (row: GroupRow) => number;
  readonly warn: number;
  readonly crit: number;
  readonly digits: number;
}

/** Below this many attempts a rate says nothing (1 deferral out of 3 is not a reputation problem). */
export const PROVISIONAL_MIN_VOLUME = 100;

/** The thresholds of high-volume practice that the built-in rules of `check` also start from. */
const RULES: readonly RateRule[] = [
  {
    rule: 'deferral-rate', label: 'deferral', rate: (r) => r.rates.deferral, part: (r) => r.counts.deferred,
    whole: (r) => attemptsOf(r.counts), warn: 0.03, crit: 0.05, digits: 2,
  },
  {
    rule: 'hard-bounce-rate', label: 'hard bounce', rate: (r) => r.rates.hardBounce, part: (r) => r.counts.hardBounced,
    whole: (r) => r.counts.delivered + r.counts.bounced, warn: 0.01, crit: 0.02, digits: 2,
  },
  {
    rule: 'complaint-rate', label: 'complaint', rate: (r) => r.rates.complaint, part: (r) => r.counts.complaints,
    whole: (r) => r.counts.delivered, warn: 0.001, crit: 0.003, digits: 3,
  },
];

function judge(rule: RateRule, row: GroupRow, scope: Record<string, string>, name: string): ReportVerdict | null {
  const volume = rule.whole(row);
  const rate = rule.rate(row);
  if (attemptsOf(row.counts) < PROVISIONAL_MIN_VOLUME || rate === null) return null;
  const level: VerdictLevel = rate > rule.crit ? 'CRIT' : rate > rule.warn ? 'WARN' : 'OK';
  const threshold = level === 'CRIT' ? rule.crit : rule.warn;
  const cmp = level === 'OK' ? '<=' : '>';
  const limit = formatRate(threshold, rule.digits).replace(/\.?0+%$/, '%');
  const message = `${name} ${rule.label} ${formatRate(rate, rule.digits)} (${formatCount(rule.part(row))} of ${formatCount(volume)}) over the report period ${cmp} ${limit}`;
  return { level, rule: rule.rule, scope, value: rate, threshold, volume, message };
}

/**
 * Deferral, hard-bounce and complaint rates of the whole period, for all mail and per ISP, on at
 * least 100 attempts: WARN above 3% / 1% / 0.1%, CRIT above 5% / 2% / 0.3%.
 */
export function provisionalVerdicts(model: ReportModel): VerdictsView {
  const out: ReportVerdict[] = [];
  const scopes: [GroupRow, Record<string, string>, string][] = [[model.total, {}, 'all mail']];
  for (const row of model.byIsp ?? []) scopes.push([row, { isp: row.key.isp }, row.key.isp === '' ? '(none)' : row.key.isp]);
  for (const [row, scope, name] of scopes) {
    for (const rule of RULES) {
      const v = judge(rule, row, scope, name);
      if (v !== null) out.push(v);
    }
  }
  const verdicts = sortVerdicts(out);
  return { status: statusOf(verdicts), verdicts };
}
