/**
 * Which rates to draw attention to in tables. Provisional defaults from high-volume PowerMTA
 * practice (deferral > 3%, hard bounce > 1%, complaints > 0.1%), used until verdict rules exist;
 * below `minVolume` attempts a rate says nothing.
 */
import type { GroupRow } from './model.js';

export type Level = 'ok' | 'warn' | 'crit';

export interface Thresholds {
  readonly deferral: readonly [warn: number, crit: number];
  readonly hardBounce: readonly [warn: number, crit: number];
  readonly complaint: readonly [warn: number, crit: number];
  readonly minVolume: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  deferral: [0.03, 0.05],
  hardBounce: [0.01, 0.02],
  complaint: [0.001, 0.003],
  minVolume: 100,
};

export function levelOf(rate: number | null, [warn, crit]: readonly [number, number]): Level {
  if (rate === null) return 'ok';
  return rate > crit ? 'crit' : rate > warn ? 'warn' : 'ok';
}

export function rowLevels(row: GroupRow, t: Thresholds = DEFAULT_THRESHOLDS): { deferral: Level; hardBounce: Level; complaint: Level } {
  const c = row.counts;
  if (c.delivered + c.bounced + c.deferred < t.minVolume) return { deferral: 'ok', hardBounce: 'ok', complaint: 'ok' };
  return {
    deferral: levelOf(row.rates.deferral, t.deferral),
    hardBounce: levelOf(row.rates.hardBounce, t.hardBounce),
    complaint: levelOf(row.rates.complaint, t.complaint),
  };
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
