/**
 * `--compare`: each figure of the report against an earlier period (`previous`: the period of the
 * same length just before) or against the median of the 7 periods before (`7d`: for a one-day
 * report, the previous 7 days). Figures of earlier periods come from a HistorySource
 * (history/history.ts); this module only computes baselines and changes, as data.
 */
import { COUNTER_NAMES } from '../rollup/counters.js';
import type { GroupRow } from './rows.js';
import { isOneOf } from '../util/one-of.js';

export const COMPARE_MODES = ['previous', '7d'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export const RATE_FIGURES = ['deferralRate', 'bounceRate', 'hardBounceRate', 'complaintRate'] as const;
export const LATENCY_FIGURES = ['latencyP50', 'latencyP90', 'latencyP99'] as const;
export const FIGURES = [...COUNTER_NAMES, ...RATE_FIGURES, ...LATENCY_FIGURES] as const;
export type FigureName = (typeof FIGURES)[number];
export type Figures = Readonly<Record<FigureName, number | null>>;

/** What an earlier period looked like: the figures a report compares (its total, per ISP, per IP). */
export interface PeriodFigures {
  readonly since: number;
  readonly until: number;
  readonly total: GroupRow;
  readonly byIsp: readonly GroupRow[];
  readonly byIp: readonly GroupRow[];
  /** Incidents whose first window ended in the period; null (or absent) when the history does not know. */
  readonly incidents?: number | null;
}

export interface ComparedPeriod {
  readonly since: number;
  readonly until: number;
  /** False when the history had nothing (or not all of it) for this period. */
  readonly found: boolean;
}

export interface Comparison {
  readonly mode: CompareMode;
  /** The period of the report itself. */
  readonly period: { readonly since: number; readonly until: number; readonly days: number | null };
  /** Why periods were not found (one line each). */
  readonly notes: readonly string[];
  /** The periods asked for, latest first, and whether each was found. */
  readonly periods: readonly ComparedPeriod[];
  /** Where the figures came from (a directory of daily summaries, a tail state). */
  readonly source: string;
  /** Baseline of the whole report (null when no period was found). */
  readonly total: Figures | null;
  readonly isp: ReadonlyMap<string, Figures>;
  readonly ip: ReadonlyMap<string, Figures>;
  /** Incidents of the baseline (the median for 7d) among the periods that know theirs; null when none does. */
  readonly incidents: number | null;
}

export function figuresOf(row: GroupRow): Figures {
  const out = {} as Record<FigureName, number | null>;
  for (const n of COUNTER_NAMES) out[n] = row.counts[n];
  out.deferralRate = row.rates.deferral;
  out.bounceRate = row.rates.bounce;
  out.hardBounceRate = row.rates.hardBounce;
  out.complaintRate = row.rates.complaint;
  out.latencyP50 = row.latency.p50;
  out.latencyP90 = row.latency.p90;
  out.latencyP99 = row.latency.p99;
  return out;
}

/** Figures of a key absent from a period: nothing happened (counts 0; rates and latency unknown). */
function absentFigures(): Figures {
  const out = {} as Record<FigureName, number | null>;
  for (const n of FIGURES) out[n] = isOneOf(COUNTER_NAMES, n) ? 0 : null;
  return out;
}

/** Median of the known values (mean of the middle two for an even count); null when none. */
export function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Figure by figure, the median over several periods' figures. */
export function medianFigures(list: readonly Figures[]): Figures {
  const out = {} as Record<FigureName, number | null>;
  for (const n of FIGURES) out[n] = median(list.map((f) => f[n]));
  return out;
}

function keyed(rows: readonly GroupRow[], dim: string): Map<string, Figures> {
  return new Map(rows.map((r) => [r.key[dim] ?? '', figuresOf(r)]));
}

function baselineOf(found: readonly PeriodFigures[], pick: (p: PeriodFigures) => readonly GroupRow[], dim: string): Map<string, Figures> {
  const perPeriod = found.map((p) => keyed(pick(p), dim));
  const keys = new Set<string>();
  for (const m of perPeriod) for (const k of m.keys()) keys.add(k);
  const out = new Map<string, Figures>();
  for (const k of [...keys].sort()) out.set(k, medianFigures(perPeriod.map((m) => m.get(k) ?? absentFigures())));
  return out;
}

/**
 * The baseline from the periods found: the one period for `previous`, the figure-by-figure median
 * for `7d` (a key missing from a period counts as zero messages that period).
 */
export function compareWith(
  mode: CompareMode,
  period: Comparison['period'],
  periods: readonly ComparedPeriod[],
  found: readonly PeriodFigures[],
  source: string,
  notes: readonly string[] = [],
): Comparison {
  return {
    mode,
    period,
    notes,
    periods,
    source,
    total: found.length === 0 ? null : medianFigures(found.map((p) => figuresOf(p.total))),
    isp: baselineOf(found, (p) => p.byIsp, 'isp'),
    ip: baselineOf(found, (p) => p.byIp, 'ip'),
    incidents: median(found.map((p) => p.incidents ?? null)),
  };
}

export type ChangeKind = 'relative' | 'points';

/** How a figure's change is expressed: rates in percentage points, everything else relative. */
export function changeKind(name: FigureName): ChangeKind {
  return isOneOf(RATE_FIGURES, name) ? 'points' : 'relative';
}

/** Whether a rise of this figure is bad news (rates of failure, latency), good, or neither. */
export function riseIs(name: FigureName): 'bad' | 'good' | 'neutral' {
  if (isOneOf(RATE_FIGURES, name) || isOneOf(LATENCY_FIGURES, name)) return 'bad';
  return name === 'delivered' || name === 'deliveredBytes' ? 'good' : 'neutral';
}

export interface Change {
  /** Relative change (0.12 = +12%) or difference in points of a rate (0.004 = +0.4 pp). */
  readonly value: number;
  readonly kind: ChangeKind;
  /** The baseline was zero (a relative change is undefined): the figure is new. */
  readonly fromZero: boolean;
}

/** Change of a figure against its baseline; null when either is unknown, or both are zero (nothing to say). */
export function changeOf(name: FigureName, now: number | null, before: number | null): Change | null {
  if (now === null || before === null || (now === 0 && before === 0)) return null;
  const kind = changeKind(name);
  if (kind === 'points') return { value: now - before, kind, fromZero: false };
  if (before === 0) return { value: Number.POSITIVE_INFINITY, kind, fromZero: true };
  return { value: (now - before) / before, kind, fromZero: false };
}

/** `+12.3%`, `-4.0%`, `+0.42 pp`, `new`, `±0%`. */
export function formatChange(c: Change | null): string {
  if (c === null) return '';
  if (c.fromZero) return 'new';
  if (c.kind === 'points') {
    const pp = c.value * 100;
    return Math.abs(pp) < 0.005 ? '±0 pp' : `${pp > 0 ? '+' : '-'}${Math.abs(pp).toFixed(2)} pp`;
  }
  const pct = c.value * 100;
  if (Math.abs(pct) < 0.05) return '±0%';
  return `${pct > 0 ? '+' : '-'}${Math.abs(pct) >= 100 ? Math.abs(pct).toFixed(0) : Math.abs(pct).toFixed(1)}%`;
}

/** Is this change worth colouring: good, bad, or neither? */
export function changeTone(name: FigureName, c: Change | null): 'good' | 'bad' | 'neutral' {
  // What formatChange writes as ±0 is no news either.
  if (c === null || (c.kind === 'points' ? Math.abs(c.value) < 0.00005 : Math.abs(c.value) < 0.0005)) return 'neutral';
  const rise = riseIs(name);
  if (rise === 'neutral') return 'neutral';
  const up = c.value > 0;
  return (up && rise === 'bad') || (!up && rise === 'good') ? 'bad' : 'good';
}
