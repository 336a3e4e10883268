/** Words for a Comparison, shared by the HTML and Markdown renderers. */
import type { Comparison } from '../model/compare.js';
import { formatCount, shortTime } from './format.js';

function date(t: number, tz: string): string {
  return shortTime(t, tz).slice(0, 10);
}

/** The last local day of [since, until) when both are midnights (until is exclusive). */
function lastDay(until: number, tz: string): string {
  return date(until - 1, tz);
}

/** `the previous day (2026-11-27)`, `the median of the 7 previous days (2026-11-21 to 2026-11-27)`... */
export function comparisonLabel(c: Comparison, tz: string): string {
  const latest = c.periods[0];
  const oldest = c.periods[c.periods.length - 1];
  if (latest === undefined || oldest === undefined) return 'nothing';
  const days = c.period.days;
  const span =
    days === null
      ? `${shortTime(oldest.since, tz)} to ${shortTime(latest.until, tz)}`
      : oldest.since === latest.since && days === 1
        ? date(latest.since, tz)
        : `${date(oldest.since, tz)} to ${lastDay(latest.until, tz)}`;
  const found = c.periods.filter((p) => p.found).length;
  const of = c.periods.length > 1 && found < c.periods.length ? `; ${found} of ${c.periods.length} found` : '';
  if (c.mode === 'previous') {
    const what = days === 1 ? 'the previous day' : days !== null ? `the previous ${days} days` : 'the previous period';
    return `${what} (${span})`;
  }
  const what =
    days === 1
      ? `the median of the ${c.periods.length} previous days`
      : days !== null
        ? `the median of the ${c.periods.length} previous ${days}-day periods`
        : `the median of the ${c.periods.length} previous periods of the same length`;
  return `${what} (${span}${of})`;
}

/** One sentence for the top of a report: what changes are measured against, or why there are none. */
export function comparisonSentence(c: Comparison, tz: string): string {
  if (c.total === null)
    return `No comparison: ${c.source} has nothing for ${comparisonLabel(c, tz)}${c.notes.length > 0 ? ` (${c.notes[0]})` : ''}.`;
  return `Changes are against ${comparisonLabel(c, tz)}, from ${c.source}.`;
}

/**
 * Whether incidents grew: `More incidents than the previous day (2026-11-27): 3 against 1.`; null
 * when no earlier period knows its incidents.
 */
export function incidentComparison(c: Comparison, now: number, tz: string): string | null {
  if (c.incidents === null) return null;
  const base = Number.isInteger(c.incidents) ? formatCount(c.incidents) : c.incidents.toFixed(1);
  const word = now > c.incidents ? 'More incidents than' : now < c.incidents ? 'Fewer incidents than' : 'As many incidents as';
  return `${word} ${comparisonLabel(c, tz)}: ${formatCount(now)} against ${base}.`;
}
