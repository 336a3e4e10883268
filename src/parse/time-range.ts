/**
 * --since / --until / --at / tail --from values, and the time literals of --where: the one reader
 * of times a person writes. Absolute times in any accounting timestamp form (parse/time.ts: ISO
 * with a space or T, fractions of a second, MM/DD/YYYY, epoch seconds), a date alone, or a time
 * without seconds; those without an offset are wall-clock times in --tz (a time repeated by a DST
 * change is its earlier instance, a skipped one moves forward by the gap). Or words relative to
 * now: `today` and `yesterday` (local midnight in --tz), `now`, and durations back from now
 * (`90m`, `24h`, `7d`, `2w`).
 */
import { PmtaAcctError } from '../errors.js';
import { parseWrittenTime } from './time.js';
import { fromWallSeconds, startOfLocalDay } from '../util/zone.js';

const DURATION = /^(\d+)\s*(s|m|min|h|d|w)$/;
const UNIT: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds of a duration like `15m`, `1h`, `24h`, `7d`, or NaN. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  return m === null ? Number.NaN : Number(m[1]) * UNIT[m[2]];
}

export function parseInstant(text: string, tz: string, now: number): number {
  const s = text.trim().toLowerCase();
  if (s === 'now') return now;
  if (s === 'today') return startOfLocalDay(now, tz);
  if (s === 'yesterday') return startOfLocalDay(startOfLocalDay(now, tz) - 12 * 3600, tz);
  const d = parseDuration(s);
  if (!Number.isNaN(d)) return now - d;
  const written = parseWrittenTime(text);
  if (written !== null) return written.absolute ? written.seconds : fromWallSeconds(written.seconds, tz);
  throw new PmtaAcctError(
    'USAGE',
    `'${text}' is not a time: use e.g. 2026-11-28, '2026-11-28 14:00', 2026-11-28T14:00:00Z, yesterday, today, 24h or 7d`,
  );
}

export interface TimeRange {
  readonly since: number | null;
  readonly until: number | null;
}

export function parseRange(since: string | undefined, until: string | undefined, tz: string, now: number): TimeRange {
  const range = {
    since: since === undefined ? null : parseInstant(since, tz, now),
    until: until === undefined ? null : parseInstant(until, tz, now),
  };
  if (range.since !== null && range.until !== null && range.since >= range.until) {
    throw new PmtaAcctError('USAGE', `--since (${since}) must be before --until (${until})`);
  }
  return range;
}
