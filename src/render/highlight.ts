/**
 * Which rates tables draw attention to: what the verdict rules say (src/verdict/thresholds.ts),
 * the built-in rules unless a rules file is in effect. Below a rule's minimum volume a rate says
 * nothing.
 */
import type { RateMetric, RuleSet } from '../verdict/types.js';
import { BUILT_IN } from '../verdict/defaults.js';
import { rowRateLevel } from '../verdict/thresholds.js';
import type { GroupRow } from '../model/rows.js';

export type Level = 'ok' | 'warn' | 'crit';

export type RowLevels = Readonly<Record<RateMetric, Level>>;

const LOWER = { OK: 'ok', WARN: 'warn', CRIT: 'crit' } as const;

export function rowLevels(row: GroupRow, rules: RuleSet = BUILT_IN): RowLevels {
  const of = (m: RateMetric) => LOWER[rowRateLevel(rules.rules, m, row.key, row.counts)];
  return { deferral: of('deferral'), bounce: of('bounce'), hardBounce: of('hardBounce'), complaint: of('complaint') };
}

export interface Paint {
  level(text: string, level: Level): string;
  bold(text: string): string;
  dim(text: string): string;
}

export const NO_PAINT: Paint = { level: (t) => t, bold: (t) => t, dim: (t) => t };

export const ANSI_PAINT: Paint = {
  level: (t, l) => (l === 'crit' ? `\u001b[1;31m${t}\u001b[0m` : l === 'warn' ? `\u001b[33m${t}\u001b[0m` : t),
  bold: (t) => `\u001b[1m${t}\u001b[0m`,
  dim: (t) => `\u001b[2m${t}\u001b[0m`,
};
