/**
 * Time zone arithmetic over the runtime's Intl data: the one home of it (daily buckets, local
 * midnights of --save and --compare, user times, labels). Proven against a reference built from
 * Intl offsets alone, for every transition 1970-2037 of every zone the runtime knows
 * (test/util/zone.property.test.ts).
 *
 * Not a library: @date-fns/tz 1.5 resolves a wall time repeated by a DST change to its later
 * instance east of UTC (Europe/Paris 2026-10-25 02:30 is 01:30Z, not 00:30Z), the very error this
 * module had; and importing date-fns' index costs ~190 ms of a ~330 ms CLI start (measured with
 * `node -e "require('date-fns')"` against `node -e 0`), where this module costs nothing until a
 * named zone is used.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function isUtcZone(tz: string): boolean {
  return tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' || tz === 'Etc/GMT' || tz === 'Z';
}

function utcFields(t: number): LocalTime {
  const d = new Date(t * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** Seconds since the epoch of wall-clock fields read as UTC. */
function wallSeconds(l: LocalTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) / 1000;
}

const DIGITS = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Wall-clock fields of epoch second t in zone tz. From `format` (`11/28/2026, 03:00:00`), a third
 * of the cost of `formatToParts` (1.0 against 3.4 µs a call on this project's machine, node -e
 * loop of 100,000); any other shape (a year outside 1000-9999) is read from the parts.
 */
export function localTime(t: number, tz: string): LocalTime {
  if (isUtcZone(tz)) return utcFields(t);
  const f = formatter(tz);
  const m = DIGITS.exec(f.format(t * 1000));
  if (m !== null)
    return { year: Number(m[3]), month: Number(m[1]), day: Number(m[2]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) };
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(t * 1000)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Offset of zone tz from UTC at epoch second t, in seconds (e.g. -18000 for New York in winter). */
export function zoneOffset(t: number, tz: string): number {
  if (isUtcZone(tz)) return 0;
  const s = Math.floor(t);
  return wallSeconds(localTime(s, tz)) - s;
}

/** No zone changes its offset twice within this long of a wall time (1970-2037, every zone: tested). */
const REACH = 86400;

/**
 * Epoch second of a wall-clock time in zone tz. A time repeated by a DST change (or any offset
 * going back) is its earlier instance; a time skipped by one is moved forward by the gap (Temporal's
 * "compatible"), so a midnight that does not exist (America/Santiago, Asia/Beirut) is the instant
 * the day starts.
 *
 * The offsets a day before and a day after the wall time are the only ones it can have: each gives
 * one candidate instant, valid when it shows that wall time. Two valid: the overlap, take the
 * earlier. None valid: the gap, where the offset before it (the larger of the two candidates'
 * instants) moves the time forward.
 */
export function fromLocalTime(l: LocalTime, tz: string): number {
  return fromWallSeconds(wallSeconds(l), tz);
}

/** fromLocalTime of a wall-clock time given as seconds since the epoch read as UTC. */
export function fromWallSeconds(wall: number, tz: string): number {
  if (isUtcZone(tz)) return wall;
  const before = wall - zoneOffset(wall - REACH, tz);
  const after = wall - zoneOffset(wall + REACH, tz);
  const shows = (t: number) => wallSeconds(localTime(t, tz)) === wall;
  const a = shows(before);
  const b = before !== after && shows(after);
  if (a && b) return Math.min(before, after);
  if (a) return before;
  if (b) return after;
  return before;
}

/**
 * Whether the wall-clock time of epoch second t in tz is shown twice: an offset going back (the
 * fall-back hour of DST) repeats an hour of the day, 01:00 to 01:59 in New York on 2026-11-01.
 * The two readings of fromWallSeconds: a repeated time shows at both.
 */
export function repeatedWallTime(t: number, tz: string): boolean {
  if (isUtcZone(tz)) return false;
  const wall = wallSeconds(localTime(Math.floor(t), tz));
  const before = wall - zoneOffset(wall - REACH, tz);
  const after = wall - zoneOffset(wall + REACH, tz);
  if (before === after) return false;
  const shows = (u: number) => wallSeconds(localTime(u, tz)) === wall;
  return shows(before) && shows(after);
}

/** The zone's offset at t as `-04`, `+01`, `+05:30` (`+00` in UTC). */
export function offsetText(t: number, tz: string): string {
  const off = zoneOffset(t, tz);
  const a = Math.abs(off);
  const minutes = Math.floor((a % 3600) / 60);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 3600))}${minutes === 0 ? '' : `:${pad(minutes)}`}`;
}

/** Local midnight (epoch seconds) of the day holding t in tz: the first instant of that date. */
export function startOfLocalDay(t: number, tz: string): number {
  if (isUtcZone(tz)) return t - (((t % 86400) + 86400) % 86400);
  const l = localTime(t, tz);
  return fromLocalTime({ year: l.year, month: l.month, day: l.day, hour: 0, minute: 0, second: 0 }, tz);
}

/**
 * Local midnight `n` days after (n > 0) or before (n < 0) the local midnight `day`: days are 23,
 * 24 or 25 hours long across DST (27 in Antarctica/Casey on 2010-03-04), and a day a zone skipped
 * (Pacific/Apia 2011-12-30) is not one. The next day is the next calendar date's first instant
 * (a skipped date's midnight falls in the gap and moves forward to the date after it).
 */
export function addLocalDays(day: number, n: number, tz: string): number {
  let t = day;
  for (let i = 0; i < n; i++) {
    const l = localTime(t, tz);
    t = fromWallSeconds(Date.UTC(l.year, l.month - 1, l.day + 1) / 1000, tz);
  }
  for (let i = 0; i > n; i--) t = startOfLocalDay(t - 1, tz);
  return t;
}

/** Throws a RangeError for a zone name the runtime does not know. */
export function assertZone(tz: string): void {
  formatter(tz);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2026-11-28`: the local date of epoch second t in tz. */
export function localDate(t: number, tz: string): string {
  const l = localTime(t, tz);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

/**
 * The last answer of a formatting function: a report writes one time per group, and its groups come
 * sorted by bucket, so nearly every call repeats the one before (a 1 M-row JSON report asked 7,000
 * times for 24 distinct hours).
 */
function lastOf(format: (t: number, tz: string) => string): (t: number, tz: string) => string {
  let lastT = Number.NaN;
  let lastZone = '';
  let last = '';
  return (t, tz) => {
    if (t !== lastT || tz !== lastZone) {
      last = format(t, tz);
      lastT = t;
      lastZone = tz;
    }
    return last;
  };
}

/** `2026-11-28T03:00:00Z` in UTC, `2026-11-27T22:00:00-05:00` elsewhere. */
export const isoInZone = lastOf((t, tz) => {
  const l = localTime(t, tz);
  const base = `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
  if (isUtcZone(tz)) return `${base}Z`;
  const off = wallSeconds(l) - Math.floor(t);
  const a = Math.abs(off);
  return `${base}${off < 0 ? '-' : '+'}${pad(Math.floor(a / 3600))}:${pad(Math.floor((a % 3600) / 60))}`;
});

/** `2026-11-28 03:00` in the zone. */
export const shortInZone = lastOf((t, tz) => {
  const l = localTime(t, tz);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`;
});
