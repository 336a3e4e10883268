/**
 * Verdicts as the report shows them: what is wrong, with a number and a threshold. The report does
 * not judge by itself; a `VerdictSource` does. Until the rules engine of `check` (src/verdict/)
 * fills this, `provisionalVerdicts` judges the whole period with the highlight thresholds of
 * highlight.ts, so every format can lead with verdicts already.
 */
import { attemptsOf } from '../rollup/counters.js';
import { formatCount, formatRate } from './format.js';
import { DEFAULT_THRESHOLDS, levelOf, type Level, type Thresholds } from './highlight.js';
import type { GroupRow, ReportModel } from './model.js';

export type VerdictLevel = 'OK' | 'WARN' | 'CRIT';

export interface ReportVerdict {
  readonly level: VerdictLevel;
  /** Rule name, e.g. `deferral-rate`. */
  readonly rule: string;
  /** What it judged: `total`, `isp:gmail`, `ip:203.0.113.14`, `pool:pool-gmail`... */
  readonly scope: string;
  readonly observed: number | null;
  readonly threshold: number | null;
  /** Attempts (or messages) the observed value stands on. */
  readonly volume: number;
  /** Human window, e.g. `1h`, `24h`, `report period`. */
  readonly window: string;
  /** One line: `gmail deferral 4.2% (1,310 of 31,200) over the last 1h > 3%`. */
  readonly message: string;
}

/** Anything that can judge a finished report model. */
export type VerdictSource = (model: ReportModel) => readonly ReportVerdict[];

const RANK: Record<VerdictLevel, number> = { OK: 0, WARN: 1, CRIT: 2 };

export function levelRank(level: VerdictLevel): number {
  return RANK[level];
}

/** The worst level of a list (OK for none). */
export function worstLevel(verdicts: readonly ReportVerdict[]): VerdictLevel {
  let worst: VerdictLevel = 'OK';
  for (const v of verdicts) if (RANK[v.level] > RANK[worst]) worst = v.level;
  return worst;
}

/** Worst first, then the biggest volume (all mail before one ISP), then by rule and scope. */
export function sortVerdicts(verdicts: readonly ReportVerdict[]): ReportVerdict[] {
  return [...verdicts].sort((a, b) => RANK[b.level] - RANK[a.level] || b.volume - a.volume
    || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
}

const LEVEL_OF: Record<Level, VerdictLevel> = { ok: 'OK', warn: 'WARN', crit: 'CRIT' };

interface RateRule {
  readonly rule: string;
  readonly label: string;
  readonly rate: (row: GroupRow) => number | null;
  readonly part: (row: GroupRow) => number;
  readonly whole: (row: GroupRow) => number;
  readonly thresholds: (t: Thresholds) => readonly [number, number];
  readonly digits: number;
}

const RULES: readonly RateRule[] = [
  {
    rule: 'deferral-rate', label: 'deferral', rate: (r) => r.rates.deferral, part: (r) => r.counts.deferred,
    whole: (r) => attemptsOf(r.counts), thresholds: (t) => t.deferral, digits: 2,
  },
  {
    rule: 'hard-bounce-rate', label: 'hard bounce', rate: (r) => r.rates.hardBounce, part: (r) => r.counts.hardBounced,
    whole: (r) => r.counts.delivered + r.counts.bounced, thresholds: (t) => t.hardBounce, digits: 2,
  },
  {
    rule: 'complaint-rate', label: 'complaint', rate: (r) => r.rates.complaint, part: (r) => r.counts.complaints,
    whole: (r) => r.counts.delivered, thresholds: (t) => t.complaint, digits: 3,
  },
];

function judge(rule: RateRule, row: GroupRow, scope: string, name: string, t: Thresholds): ReportVerdict | null {
  const volume = attemptsOf(row.counts);
  const rate = rule.rate(row);
  if (volume < t.minVolume || rate === null) return null;
  const [warn, crit] = rule.thresholds(t);
  const level = LEVEL_OF[levelOf(rate, [warn, crit])];
  const threshold = level === 'CRIT' ? crit : warn;
  const cmp = level === 'OK' ? '<=' : '>';
  const message = `${name} ${rule.label} ${formatRate(rate, rule.digits)} (${formatCount(rule.part(row))} of ${formatCount(rule.whole(row))}) over the report period ${cmp} ${formatRate(threshold, rule.digits).replace(/\.?0+%$/, '%')}`;
  return { level, rule: rule.rule, scope, observed: rate, threshold, volume, window: 'report period', message };
}

/**
 * Deferral, hard-bounce and complaint rates of the whole period, in total and per ISP, against
 * the provisional thresholds (at least `minVolume` attempts). Replaced by the rules of `check`.
 */
export function provisionalVerdicts(model: ReportModel, t: Thresholds = DEFAULT_THRESHOLDS): ReportVerdict[] {
  const out: ReportVerdict[] = [];
  const scopes: [GroupRow, string, string][] = [[model.total, 'total', 'all mail']];
  for (const row of model.byIsp ?? []) scopes.push([row, `isp:${row.key.isp}`, row.key.isp === '' ? '(none)' : row.key.isp]);
  for (const [row, scope, name] of scopes) {
    for (const rule of RULES) {
      const v = judge(rule, row, scope, name, t);
      if (v !== null) out.push(v);
    }
  }
  return sortVerdicts(out);
}
