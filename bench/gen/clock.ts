/**
 * Timestamps as PowerMTA writes them with `iso-times yes`: `YYYY-MM-DD HH:MM:SS±HHMM`, server-local time.
 * Seconds are counted from local midnight of the generated day; negative values fall on earlier days
 * (timeQueued of retried or expired messages).
 */
export const SECONDS_PER_DAY = 86_400;

const P2: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export interface Clock {
  /** `YYYY-MM-DD HH:MM:SS-0500` for a second relative to local midnight of the day. */
  local(second: number): string;
  /** Unix epoch seconds of a second relative to local midnight. */
  epoch(second: number): number;
  /** `YYYY-MM-DDTHH:MM:SS.mmmZ` (Microsoft replies carry UTC stamps). */
  utcIso(epoch: number, millis: number): string;
  /** `YYYYMMDD` of the day, used in campaign job ids. */
  readonly compactDate: string;
}

function parseDate(date: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`date must be YYYY-MM-DD, got '${date}'`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new Error(`date '${date}' does not exist`);
  }
  return { y, m: mo, d };
}

/** `-0500` → -18000 seconds. */
function parseOffset(tz: string): number {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(tz);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new Error(`tzOffset must look like -0500 or +0100, got '${tz}'`);
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60;
  return m[1] === '-' ? -seconds : seconds;
}

function hms(secondOfDay: number): string {
  return P2[Math.floor(secondOfDay / 3600)] + ':' + P2[Math.floor(secondOfDay / 60) % 60] + ':' + P2[secondOfDay % 60];
}

export function makeClock(date: string, tz: string): Clock {
  const { y, m, d } = parseDate(date);
  const offset = parseOffset(tz);
  const midnightUtcMs = Date.UTC(y, m - 1, d);
  const localDays = new Map<number, string>();
  const utcDays = new Map<number, string>();

  // Day strings are few (the day, a handful of days back for expired messages): cache them.
  const dayString = (cache: Map<number, string>, dayNumber: number): string => {
    let s = cache.get(dayNumber);
    if (s === undefined) {
      s = new Date(dayNumber * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
      cache.set(dayNumber, s);
    }
    return s;
  };
  const firstDay = midnightUtcMs / 1000 / SECONDS_PER_DAY;

  return {
    compactDate: date.replaceAll('-', ''),
    local(second: number): string {
      const dayOffset = Math.floor(second / SECONDS_PER_DAY);
      return dayString(localDays, firstDay + dayOffset) + ' ' + hms(second - dayOffset * SECONDS_PER_DAY) + tz;
    },
    epoch(second: number): number {
      return midnightUtcMs / 1000 + second - offset;
    },
    utcIso(epoch: number, millis: number): string {
      const day = Math.floor(epoch / SECONDS_PER_DAY);
      return dayString(utcDays, day) + 'T' + hms(epoch - day * SECONDS_PER_DAY) + '.' + String(millis).padStart(3, '0') + 'Z';
    },
  };
}
