/** Human formatting of numbers, rates, times and durations, shared by the text renderers. */
import { isoInZone, offsetText, repeatedWallTime, shortInZone } from '../util/zone.js';

export { formatCount } from '../util/numbers.js';

/** 0.04213 → '4.21%'; null (no denominator) → '-'. */
export function formatRate(r: number | null, digits = 2): string {
  return r === null ? '-' : `${(r * 100).toFixed(digits)}%`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** 75 → '1m15s', 7260 → '2h01m', null → '-'. */
export function formatSeconds(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** A rate as JSON and CSV give it: six decimals. */
export function roundRate(r: number | null): number | null {
  return r === null ? null : Math.round(r * 1e6) / 1e6;
}

/** Epoch seconds → ISO 8601: `2026-11-28T03:00:00Z` in UTC, with the zone's offset otherwise. */
export function isoTime(t: number, tz: string): string {
  return isoInZone(t, tz);
}

/**
 * A bucket's start for a table or a chart: `2026-11-28 03:00` in the zone, and the zone's offset
 * after it where the zone shows that time twice (`2026-11-01 01:00 -04`, then `2026-11-01 01:00
 * -05` in New York when DST ends), so the repeated hour's rows cannot be mistaken for one another.
 */
export function bucketTime(t: number, tz: string): string {
  return markRepeated(shortInZone(t, tz), t, tz);
}

/** An event's time to the second, `2026-11-28 03:00:07`, with the offset where the zone shows that time twice (as bucketTime). */
export function eventTime(t: number, tz: string): string {
  return markRepeated(`${shortInZone(t, tz)}:${String(((t % 60) + 60) % 60).padStart(2, '0')}`, t, tz);
}

/** `text` (a wall time of t in tz), followed by the zone's offset when tz shows that wall time twice. */
export function markRepeated(text: string, t: number, tz: string): string {
  return repeatedWallTime(t, tz) ? `${text} ${offsetText(t, tz)}` : text;
}

/** Epoch seconds → `2026-11-28 03:00` in the zone (for tables). */
export function shortTime(t: number, tz: string): string {
  return shortInZone(t, tz);
}
