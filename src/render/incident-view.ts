/**
 * Incidents as every renderer shows them: the table described once (columns: heading, alignment,
 * cell text), one line per incident for lists and alerts, and the sentence that says what was
 * judged. Renderers add only their markup (and their escaping).
 */
import { formatPerHour } from '../pmta-config/rate.js';
import { formatCount, formatPercent } from '../util/numbers.js';
import { localDate, repeatedWallTime, shortInZone } from '../util/zone.js';
import { markRepeated } from './format.js';
import type { Incident, IncidentSummary } from '../verdict/incidents.js';
import { METRIC_WORDS, scopeLabel } from '../verdict/message.js';

/** How times are written: `03:20` when the whole period is one local day (its end `24:00`), else `11-28 03:20`. */
export interface Clock {
  readonly tz: string;
  readonly oneDay: boolean;
  /** The local midnight that ends the day, when oneDay. */
  readonly dayEnd: number | null;
}

export function clockOf(s: IncidentSummary, tz: string): Clock {
  if (s.from === null || s.to === null) return { tz, oneDay: true, dayEnd: null };
  const oneDay = localDate(s.from - 1, tz) === localDate(s.to - 1, tz);
  return { tz, oneDay, dayEnd: oneDay ? endOfDay(s.to, tz) : null };
}

/** The instant written `24:00`: `to` itself when it is the next local midnight. */
function endOfDay(to: number, tz: string): number | null {
  return shortInZone(to, tz).endsWith(' 00:00') ? to : null;
}

/**
 * A time of the clock, and the zone's offset after it where the zone shows that time twice (the
 * hour DST ends: `01:50 -04`, then `01:50 -05` in New York), so that an incident in the repeated
 * hour cannot be read as the other one.
 */
export function clockTime(t: number, c: Clock): string {
  if (c.oneDay && c.dayEnd === t) return '24:00';
  const s = shortInZone(t, c.tz);
  const text = c.oneDay ? s.slice(11) : `${s.slice(5, 10)} ${s.slice(11)}`;
  return markRepeated(text, t, c.tz);
}

/**
 * `03:15-05:50` within one day; `11-28 02:15-04:50`, `11-27 23:00 to 11-28 01:00` across days;
 * `01:50 -04 to 01:50 -05` when an end is in a repeated hour (a `-` there would read as the offset's).
 */
export function clockRange(a: number, b: number, c: Clock): string {
  const from = clockTime(a, c);
  const to = clockTime(b, c);
  if (repeatedWallTime(a, c.tz) || repeatedWallTime(b, c.tz)) return `${from} to ${to}`;
  if (c.oneDay) return `${from}-${to}`;
  return from.slice(0, 5) === to.slice(0, 5) ? `${from}-${to.slice(6)}` : `${from} to ${to}`;
}

/** `all mail`, `gmail`, `203.0.113.7 to gmail`. */
export function incidentScope(i: Incident): string {
  const label = scopeLabel(i.scope);
  return label === '' ? 'all mail' : label;
}

/** The worst window's figure: `10% (120 of 1,200)`, `195/h of 13/h`, `nothing delivered, 54 records`. */
export function incidentPeak(i: Incident): string {
  const p = i.peak;
  if (p.metric === 'msgRate') return `${formatPerHour(p.value)} of ${formatPerHour(p.limit ?? Number.POSITIVE_INFINITY)}`;
  if (p.metric === 'silence') return p.volume === 0 ? 'no records at all' : `nothing delivered, ${formatCount(p.volume)} records`;
  return `${formatPercent(p.value)} (${formatCount(p.count)} of ${formatCount(p.volume)})`;
}

/** 1200 → '20m', 3900 → '1h05m', 7200 → '2h', 97200 → '1d03h' (window ends are whole minutes). */
export function formatDuration(seconds: number): string {
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m}m`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (m < 1440) return m % 60 === 0 ? `${m / 60}h` : `${Math.floor(m / 60)}h${two(m % 60)}m`;
  const h = Math.floor(m / 60);
  return h % 24 === 0 ? `${h / 24}d` : `${Math.floor(h / 24)}d${two(h % 24)}h`;
}

function span(i: Incident, c: Clock): string {
  return clockRange(i.peakSpan.start, i.peakSpan.end, c);
}

export interface IncidentColumn {
  readonly heading: string;
  /** Numbers and times are right-aligned. */
  readonly right: boolean;
  readonly cell: (i: Incident, c: Clock) => string;
}

/** The incidents table, the same in every format. */
export const INCIDENT_COLUMNS: readonly IncidentColumn[] = [
  { heading: 'Level', right: false, cell: (i) => i.level },
  { heading: 'Rule', right: false, cell: (i) => i.rule },
  { heading: 'Scope', right: false, cell: incidentScope },
  { heading: 'From', right: true, cell: (i, c) => clockTime(i.start, c) },
  { heading: 'To', right: true, cell: (i, c) => `${clockTime(i.end, c)}${i.ongoing ? ' (ongoing)' : ''}` },
  { heading: 'For', right: true, cell: (i) => formatDuration(i.end - i.start) },
  { heading: 'Peak', right: true, cell: incidentPeak },
  { heading: 'Peak window', right: true, cell: span },
];

/** `gmail deferral 03:20-05:45 (2h25m): peak 10% (120 of 1,200) over 03:00-04:00`; a rule named otherwise than its metric in parentheses. */
export function incidentLine(i: Incident, c: Clock): string {
  const ongoing = i.ongoing ? ', ongoing' : '';
  const words = METRIC_WORDS[i.metric];
  const rule = i.rule.replaceAll('-', ' ') === words ? '' : ` (${i.rule})`;
  return `${incidentScope(i)} ${words}${rule} ${clockRange(i.start, i.end, c)} (${formatDuration(i.end - i.start)}${ongoing}): peak ${incidentPeak(i)} over ${span(i, c)}`;
}

/** What was judged: `every window ending every 5m from 00:05 to 24:00 (UTC)`. */
export function incidentContext(s: IncidentSummary, c: Clock): string {
  if (s.from === null || s.to === null) return 'no timed records: nothing judged';
  const step = s.step % 60 === 0 ? `${s.step / 60}m` : `${s.step}s`;
  const cut = s.cut
    ? '; an earlier part of the period was not judged (incidents cover at most its last 7 days, and from a tail state the time it keeps at its finest grain)'
    : '';
  return `windows ending every ${step} from ${clockTime(s.from, c)} to ${clockTime(s.to, c)} ${c.tz}${cut}`;
}
