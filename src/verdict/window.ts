/**
 * Windows. A window of w seconds ending at E (exclusive) covers every bucket that overlaps
 * [E - w, E): [floor(E - w), E), at least w and at most one bucket more, so "nothing delivered for
 * 30m" is never claimed after less than 30 minutes. E is `--at` when given, else the latest event
 * time + 1 s for files (a nightly run over yesterday judges yesterday's last hour), else now (live).
 */
import { DIMENSIONS, type Dimension } from '../classify/classifier.js';
import type { Rule, RuleSet } from './types.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export function floorTo(t: number, size: number): number {
  return t - (((t % size) + size) % size);
}

export function spanOf(end: number, window: number, bucketSeconds: number): Span {
  return { start: floorTo(end - window, bucketSeconds), end };
}

/**
 * The starts of the rules' windows ending at `end`, ascending: every window is a run of whole
 * bands [start_i, start_i+1) up to `end`, so buckets summed per band (one group per key and band
 * instead of per bucket, as the fleet store's SQL does) judge exactly as the buckets themselves.
 */
export function windowStarts(rules: readonly Rule[], end: number, bucketSeconds: number): number[] {
  return [...new Set(rules.map((r) => spanOf(end, r.window, bucketSeconds).start))].sort((a, b) => a - b);
}

/** The window end: `at` when given, else one second after the latest event; null when there is nothing to judge. */
export function windowEnd(at: number | null, lastEvent: number | null): number | null {
  if (at !== null) return at;
  return lastEvent === null ? null : Math.floor(lastEvent) + 1;
}

/** Rules that can run: msg-rate and capacity need the limits of a PowerMTA config. */
export function activeRules(set: RuleSet, hasLimits: boolean): Rule[] {
  return set.rules.filter((r) => hasLimits || (r.metric !== 'msgRate' && r.metric !== 'capacity'));
}

/** 5-minute buckets when every window is a multiple of 5 minutes, else 1-minute ones. */
export function bucketFor(rules: readonly Rule[]): '1m' | '5m' {
  return rules.every((r) => r.window % 300 === 0) ? '5m' : '1m';
}

/** The longest window: how far back the verdict rollup must reach. */
export function horizonOf(rules: readonly Rule[]): number {
  return rules.reduce((m, r) => Math.max(m, r.window), 0);
}

/** Dimensions the verdict rollup needs, in the engine's order. */
export function dimsFor(rules: readonly Rule[]): Dimension[] {
  const need = new Set<string>();
  for (const r of rules) {
    if (r.metric === 'msgRate' || r.metric === 'capacity') {
      need.add('ip');
      need.add('isp');
    } else if (r.scope.dim !== null) {
      need.add(r.scope.dim);
    }
  }
  return DIMENSIONS.filter((d) => need.has(d));
}
