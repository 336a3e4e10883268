/**
 * Verdicts as the report's renderers see them: what is wrong, with a number and a threshold. The
 * shape is the part of src/verdict's `VerdictSummary` and `Verdict` that the renderers read (so
 * the rules engine of `check` fills `ReportModel.verdicts` as it is).
 */

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
