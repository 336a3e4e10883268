/**
 * Where `--compare` finds earlier periods. A HistorySource answers "what were the figures of
 * [since, until)?" from what it keeps: the daily summaries of `report --save` (summary-dir.ts) or,
 * once `tail` keeps one, its SQLite state. This file decides which periods to ask for.
 */
import { PmtaAcctError } from '../errors.js';
import type { CompareMode, PeriodFigures } from '../model/compare.js';
import { addLocalDays, startOfLocalDay } from '../util/zone.js';

export type HistoryAnswer = { readonly figures: PeriodFigures } | { readonly missing: string };

export interface HistorySource {
  /** For notes and the report: `daily summaries in /var/lib/pmta-acct/days`. */
  readonly description: string;
  /** The figures of [since, until) in zone tz, or why the history cannot tell. */
  figures(since: number, until: number, tz: string): Promise<HistoryAnswer>;
}

export interface Period {
  readonly since: number;
  readonly until: number;
  /** Whole local days in the period, or null when it does not start and end at local midnight. */
  readonly days: number | null;
}

/** Local midnights in [since, until). */
export function localDays(since: number, until: number, tz: string): number[] {
  const out: number[] = [];
  for (let t = startOfLocalDay(since, tz); t < until; t = addLocalDays(t, 1, tz)) out.push(t);
  return out;
}

export function periodOf(since: number, until: number, tz: string): Period {
  const aligned = startOfLocalDay(since, tz) === since && startOfLocalDay(until, tz) === until;
  return { since, until, days: aligned ? localDays(since, until, tz).length : null };
}

/**
 * The period a report covers: its --since/--until, or (without them) the local days its events
 * fall in. Null when there is nothing to place in time.
 */
export function reportPeriod(
  since: number | null,
  until: number | null,
  firstEvent: number | null,
  lastEvent: number | null,
  tz: string,
): Period | null {
  if (since !== null && until !== null) return periodOf(since, until, tz);
  const from = since ?? (firstEvent === null ? null : startOfLocalDay(firstEvent, tz));
  const to = until ?? (lastEvent === null ? null : addLocalDays(startOfLocalDay(lastEvent, tz), 1, tz));
  if (from === null || to === null || from >= to) return null;
  return periodOf(from, to, tz);
}

/** How many earlier periods each mode compares with. */
const COUNT: Record<CompareMode, number> = { previous: 1, '7d': 7 };

/** The earlier periods of the same length, latest first (whole local days when the period is). */
export function earlierPeriods(p: Period, mode: CompareMode, tz: string): Period[] {
  const out: Period[] = [];
  let until = p.since;
  for (let k = 0; k < COUNT[mode]; k++) {
    const since = p.days === null ? until - (p.until - p.since) : addLocalDays(until, -p.days, tz);
    out.push({ since, until, days: p.days });
    until = since;
  }
  return out;
}

/** A USAGE error for options that need a period the report does not have. */
export function needPeriod(option: string): PmtaAcctError {
  return new PmtaAcctError(
    'USAGE',
    `${option} needs a report period: give --since and --until (e.g. --since yesterday --until today), or input with event times`,
  );
}
