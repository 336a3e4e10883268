/**
 * Verdicts as the report's renderers see them: what is wrong, with a number and a threshold. The
 * shape is the part of src/verdict's `VerdictSummary` and `Verdict` that the renderers read (so
 * the rules engine of `check` fills `ReportModel.verdicts` as it is). Verdicts come in the one
 * order `evaluate` gives them (worst first, then in rule order: verdict/types.ts levelRank), and
 * every renderer shows them in that order.
 */
import type { Level } from '../verdict/types.js';

/** INFO is a fact worth showing that never raises the status (verdict/types.ts: LEVELS, severity). */
export type VerdictLevel = Level;

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

/** `isp=gmail,ip=203.0.113.5`, or `total` for all mail (a bounded label value). */
export function scopeText(scope: Readonly<Record<string, string>>): string {
  const parts = Object.entries(scope).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'total' : parts.join(',');
}
