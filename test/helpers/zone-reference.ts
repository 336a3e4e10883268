/**
 * A reference for zone arithmetic that shares nothing with src/util/zone.ts but the data: offsets
 * are read from Intl's `longOffset` zone names ("GMT+05:45"), transitions are found by scanning
 * and bisecting, and every answer is a brute-force search over the instants a wall time can be.
 */

const names = new Map<string, Intl.DateTimeFormat>();

/** Offset of tz at epoch second t, in seconds, from the zone's name for that instant. */
export function refOffset(tz: string, t: number): number {
  let f = names.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    names.set(tz, f);
  }
  const text = f.format(t * 1000);
  const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (m === null) throw new Error(`no offset in '${text}' (${tz})`);
  if (m[1] === undefined) return 0;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -s : s;
}

export interface Transition {
  /** First epoch second of the new offset. */
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** Every change of offset in [from, to), found by sampling every `step` seconds and bisecting. */
export function transitions(tz: string, from: number, to: number, step: number): Transition[] {
  const out: Transition[] = [];
  let t = from;
  let o = refOffset(tz, t);
  while (t < to) {
    const next = Math.min(t + step, to);
    const on = refOffset(tz, next);
    if (on !== o) {
      // the first second with the new offset, in (t, next]
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (refOffset(tz, mid) === o) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, before: o, after: refOffset(tz, hi) });
      // a second change between hi and next would be missed: look again from hi
      t = hi;
      o = refOffset(tz, hi);
      continue;
    }
    t = next;
  }
  return out;
}

/** Wall-clock seconds (local time read as UTC) of epoch second t. */
export function refWall(tz: string, t: number): number {
  return t + refOffset(tz, t);
}

/** Offsets tz has within two days of wall time w (from the transitions list). */
function offsetsNear(tz: string, w: number, list: readonly Transition[]): number[] {
  const set = new Set<number>([refOffset(tz, w)]);
  for (const tr of list) {
    if (Math.abs(tr.at - w) <= 2 * 86400) {
      set.add(tr.before);
      set.add(tr.after);
    }
  }
  return [...set];
}

/**
 * The instant of wall time w: the earliest instant that shows it; in a gap, the instant the
 * offset before the gap maps it to (the time moved forward by the gap).
 */
export function refFromWall(tz: string, w: number, list: readonly Transition[]): number {
  const valid = offsetsNear(tz, w, list)
    .map((o) => w - o)
    .filter((t) => refWall(tz, t) === w);
  if (valid.length > 0) return Math.min(...valid);
  const gap = list.find((tr) => tr.at + tr.before <= w && w < tr.at + tr.after);
  if (gap === undefined) throw new Error(`${tz}: wall ${w} is shown by no instant and in no gap`);
  return w - gap.before;
}

/** Days since the epoch of the local date of epoch second t. */
export function refDate(tz: string, t: number): number {
  return Math.floor(refWall(tz, t) / 86400);
}

/** The first instant whose local date is `day` (days since the epoch), or null when the zone skipped it. */
export function refDayStart(tz: string, day: number, list: readonly Transition[]): number | null {
  const midnight = day * 86400;
  const candidates = offsetsNear(tz, midnight, list)
    .map((o) => midnight - o)
    .filter((t) => refWall(tz, t) === midnight);
  // a day that starts in a gap starts at the transition
  for (const tr of list)
    if (Math.abs(tr.at - midnight) <= 2 * 86400 && refDate(tz, tr.at) === day && refDate(tz, tr.at - 1) < day) candidates.push(tr.at);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

export const FROM_1970 = 0;
export const TO_2038 = Date.UTC(2038, 0, 1) / 1000;
