/**
 * Accounting timestamps to epoch seconds, by hand, from bytes: this runs once or twice per record.
 *
 * Accepted (pmta-accounting.md §2.1): `YYYY-MM-DD HH:MM:SS±HHMM` (PowerMTA's "ISO" form),
 * `±HH:MM` and `±HH` offsets, `T` instead of the space, `Z`, optional fractional seconds (dropped),
 * no offset (read as UTC), `MM/DD/YYYY HH:MM:SS` with the same offsets, and epoch seconds
 * (9 to 11 digits, `iso-times no`). Anything else is NaN.
 *
 * Reading bytes (not a string) matters: string comparisons and substrings cost 50-130 ns each on
 * this project's machine, a byte read about 1 ns (see the "report, 1 thread" bench row).
 */

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(s: Uint8Array, i: number): number {
  const c = s[i] - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

function two(s: Uint8Array, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/** The last date converted, to skip days_from_civil while the date repeats (it nearly always does). */
let lastDateKey = -1;
let lastDays = 0;

function dateDays(y: number, m: number, d: number): number {
  if (!(y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m])) return Number.NaN;
  const key = (y * 16 + m) * 32 + d;
  if (key === lastDateKey) return lastDays;
  if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return Number.NaN;
  lastDateKey = key;
  lastDays = daysFromCivil(y, m, d);
  return lastDays;
}

/** Whether the last timestamp parsed was absolute: it had an offset (or `Z`), or was epoch seconds. */
let lastAbsolute = false;

/** Parse `HH:MM:SS[.fff][offset]` at s[i..b); `days` is the date. */
function timeOfDay(s: Uint8Array, i: number, b: number, days: number): number {
  if (b - i < 8 || s[i + 2] !== 58 || s[i + 5] !== 58) return Number.NaN;
  const h = two(s, i);
  const mi = two(s, i + 3);
  const se = two(s, i + 6);
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 60)) return Number.NaN;
  let j = i + 8;
  if (j < b && s[j] === 46) {
    j++;
    const f = j;
    while (j < b && digit(s, j) >= 0) j++;
    if (j === f) return Number.NaN;
  }
  let offset = 0;
  lastAbsolute = j < b;
  if (j < b) {
    const c = s[j];
    if (c === 90 && j + 1 === b) {
      offset = 0;
    } else if (c === 43 || c === 45) {
      const rest = b - j - 1;
      let oh: number;
      let om = 0;
      if (rest === 2) oh = two(s, j + 1);
      else if (rest === 4) {
        oh = two(s, j + 1);
        om = two(s, j + 3);
      } else if (rest === 5 && s[j + 3] === 58) {
        oh = two(s, j + 1);
        om = two(s, j + 4);
      } else return Number.NaN;
      if (!(oh >= 0 && oh <= 18 && om >= 0 && om <= 59)) return Number.NaN;
      offset = (c === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return Number.NaN;
    }
  }
  return days * 86400 + h * 3600 + mi * 60 + (se === 60 ? 59 : se) - offset;
}

/** Epoch seconds of the timestamp in bytes s[a..b), or NaN. */
export function parseTimestamp(s: Uint8Array, a: number, b: number): number {
  while (a < b && s[a] === 32) a++;
  while (b > a && s[b - 1] === 32) b--;
  const len = b - a;
  if (len >= 19) {
    if (s[a + 4] === 45 && s[a + 7] === 45) {
      const sep = s[a + 10];
      if (sep !== 32 && sep !== 84 && sep !== 116) return Number.NaN;
      const days = dateDays(two(s, a) * 100 + two(s, a + 2), two(s, a + 5), two(s, a + 8));
      return Number.isNaN(days) ? Number.NaN : timeOfDay(s, a + 11, b, days);
    }
    if (s[a + 2] === 47 && s[a + 5] === 47) {
      if (s[a + 10] !== 32 && s[a + 10] !== 84) return Number.NaN;
      const days = dateDays(two(s, a + 6) * 100 + two(s, a + 8), two(s, a), two(s, a + 3));
      return Number.isNaN(days) ? Number.NaN : timeOfDay(s, a + 11, b, days);
    }
    return Number.NaN;
  }
  if (len >= 9 && len <= 11) {
    lastAbsolute = true;
    let v = 0;
    for (let i = a; i < b; i++) {
      const d = digit(s, i);
      if (d < 0) return Number.NaN;
      v = v * 10 + d;
    }
    return v;
  }
  return Number.NaN;
}

/** Parse a whole string (CLI arguments, tests). */
export function parseTime(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseTimestamp(bytes, 0, bytes.length);
}

/** A date alone, or a time without seconds, in either date form; the rest (an offset) follows. */
const SHORT = /^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})(?:([ Tt])(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?(\S*)$/;

/**
 * A time a person wrote: every accounting timestamp form (the grammar above), plus a date alone
 * (its midnight) and minutes without seconds. `absolute` is false when it names no offset: then
 * `seconds` is the wall-clock time read as UTC, for the caller to place in its zone. Null when the
 * text is not a time.
 */
export function parseWrittenTime(text: string): { readonly seconds: number; readonly absolute: boolean } | null {
  const s = text.trim();
  const m = SHORT.exec(s);
  // An offset needs a time before it: `2026-11-28+01:00` is not a time.
  const full =
    m === null
      ? s
      : m[2] === undefined
        ? m[5] === ''
          ? `${m[1]} 00:00:00`
          : s
        : m[4] === undefined
          ? `${m[1]}${m[2]}${m[3]}:00${m[5]}`
          : s;
  const seconds = parseTime(full);
  return Number.isNaN(seconds) ? null : { seconds, absolute: lastAbsolute };
}
