/**
 * --since / --until values: absolute times (any accounting timestamp form, a date, or a date and
 * time without offset, read in --tz) or words relative to now: `today` and `yesterday` (local
 * midnight in --tz), `now`, and durations back from now (`90m`, `24h`, `7d`, `2w`).
 */
import { PmtaAcctError } from '../errors.js';
import { parseTime } from '../parse/time.js';
import { startOfLocalDay } from '../rollup/buckets.js';
import { fromLocalTime } from './zone.js';

const DURATION = /^(\d+)\s*(s|m|min|h|d|w)$/;
const UNIT: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

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
  const local = LOCAL.exec(text.trim());
  if (local !== null) {
    const [, y, mo, da, h, mi, se] = local;
    const parts = { year: Number(y), month: Number(mo), day: Number(da), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(se ?? 0) };
    if (parts.month >= 1 && parts.month <= 12 && parts.day >= 1 && parts.day <= 31 && parts.hour <= 23 && parts.minute <= 59 && parts.second <= 59) {
      return fromLocalTime(parts, tz);
    }
  }
  const t = parseTime(text);
  if (!Number.isNaN(t)) return t;
  throw new PmtaAcctError('USAGE', `'${text}' is not a time: use e.g. 2026-11-28, '2026-11-28 14:00', 2026-11-28T14:00:00Z, yesterday, today, 24h or 7d`);
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
