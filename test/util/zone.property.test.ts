/**
 * src/util/zone.ts against a reference (test/helpers/zone-reference.ts) at every offset transition
 * from 1970 to 2037: gaps and overlaps, half-hour and 45-minute offsets, zones that changed their
 * standard offset or skipped a day, DST at midnight (America/Santiago, Asia/Beirut) and at 00:01
 * (America/St_Johns before 2011, where the date goes back for an hour), a 27-hour day
 * (Antarctica/Casey 2010-03-04, which hung the old next-day arithmetic). The named zones and a
 * random sample run by default (a few seconds); PMTA_ACCT_SOAK=1 runs every zone the runtime knows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeBucketing } from '../../src/rollup/buckets.js';
import { addLocalDays, fromWallSeconds, isoInZone, localTime, startOfLocalDay, zoneOffset } from '../../src/util/zone.js';
import {
  FROM_1970,
  TO_2038,
  refDate,
  refDayStart,
  refFromWall,
  refOffset,
  refWall,
  transitions,
  type Transition,
} from '../helpers/zone-reference.js';

const SOAK = process.env.PMTA_ACCT_SOAK === '1';
const ALL = Intl.supportedValuesOf('timeZone');

/** The zones the issue names, and the odd ones: they always run. */
const NAMED = [
  'Europe/Paris',
  'Australia/Sydney',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'America/Santiago',
  'Asia/Beirut',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Pacific/Apia',
  'Africa/Monrovia',
  'America/Caracas',
  'Europe/Volgograd',
  'Africa/Casablanca',
  'Antarctica/Troll',
  'Antarctica/Casey',
];
const SAMPLE = 4;

const found = new Map<string, Transition[]>();

/** Transitions of tz 1970-2037, found once per zone for the whole file. */
function transitionsOf(tz: string): Transition[] {
  let list = found.get(tz);
  if (list === undefined) {
    // a day: no zone changes offset twice within one (a second change would be found by the bisection anyway)
    list = transitions(tz, FROM_1970, TO_2038, SOAK ? 6 * 3600 : 86400);
    found.set(tz, list);
  }
  return list;
}

function pick(): string[] {
  if (SOAK) return ALL;
  const others = ALL.filter((z) => !NAMED.includes(z));
  const chosen = fc.sample(fc.shuffledSubarray(others, { minLength: SAMPLE, maxLength: SAMPLE }), 1)[0];
  return [...NAMED.filter((z) => ALL.includes(z)), ...chosen];
}

/** Wall-clock seconds of localTime(t), as the module sees it. */
function wallOf(t: number, tz: string): number {
  const l = localTime(t, tz);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) / 1000;
}

function isoOffset(t: number, tz: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(isoInZone(t, tz));
  return m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

/** Every way the module can go wrong around one transition; returns what it got wrong. */
function checkTransition(tz: string, tr: Transition, list: readonly Transition[]): string[] {
  const bad: string[] = [];
  const at = (what: string, got: number, want: number) => {
    if (got !== want) bad.push(`${tz} ${new Date(tr.at * 1000).toISOString()} ${what}: got ${got}, want ${want}`);
  };
  for (const t of [tr.at - 1, tr.at, tr.at + 1]) {
    at(`wall of ${t}`, wallOf(t, tz), refWall(tz, t));
    at(`offset at ${t}`, zoneOffset(t, tz), refOffset(tz, t));
    // isoInZone writes minutes; an offset with seconds (Africa/Monrovia to 1972) is cut to minutes
    at(`iso offset at ${t}`, isoOffset(t, tz), Math.trunc(refOffset(tz, t) / 60) * 60);
  }
  // Wall times through the gap or the overlap and just around it.
  const lo = tr.at + Math.min(tr.before, tr.after);
  const hi = tr.at + Math.max(tr.before, tr.after);
  for (const w of [lo - 1, lo, Math.floor((lo + hi) / 2), hi - 1, hi, hi + 1])
    at(`instant of wall ${w}`, fromWallSeconds(w, tz), refFromWall(tz, w, list));
  // The days around it: their first instant, and days as contiguous buckets.
  const days = makeBucketing('1d', tz);
  for (const t of [tr.at - 3601, tr.at - 1, tr.at, tr.at + 3600]) {
    const start = startOfLocalDay(t, tz);
    const own = refDayStart(tz, refDate(tz, t), list);
    at(`start of the day of ${t}`, start, own ?? Number.NaN);
    const b = days.start(t);
    const next = days.next(b);
    if (!(b <= t && t < next)) bad.push(`${tz}: day bucket [${b}, ${next}) does not hold ${t}`);
    // a bucket starts at the first instant of a date, and the next one at the first instant of a later date
    at(`bucket start of ${t} is a day start`, b, refDayStart(tz, refDate(tz, b), list) ?? Number.NaN);
    at(`next bucket after ${b} is a day start`, next, refDayStart(tz, refDate(tz, next), list) ?? Number.NaN);
    if (!(refDate(tz, next) > refDate(tz, b))) bad.push(`${tz}: the day after ${b} is not a later date`);
    at(`addLocalDays(+1, -1) of ${start}`, addLocalDays(addLocalDays(start, 1, tz), -1, tz), start);
  }
  return bad;
}

describe('zone arithmetic against the reference', () => {
  const zones = pick();

  it(
    `holds at every transition 1970-2037 of ${SOAK ? 'every zone' : `${zones.length} zones (PMTA_ACCT_SOAK=1: all ${ALL.length})`}`,
    () => {
      const bad: string[] = [];
      let seen = 0;
      for (const tz of zones) {
        const list = transitionsOf(tz);
        for (const tr of list) bad.push(...checkTransition(tz, tr, list));
        seen += list.length;
      }
      expect(bad.slice(0, 20)).toEqual([]);
      expect(seen).toBeGreaterThan(zones.length);
    },
    SOAK ? 3_600_000 : 60_000,
  );

  it('knows the zones the issue names: their transitions are the ones written in tzdata', () => {
    const kinds = (tz: string, year: number) =>
      transitions(tz, Date.UTC(year, 0, 1) / 1000, Date.UTC(year + 1, 0, 1) / 1000, 86400).map(
        (t) => `${new Date(t.at * 1000).toISOString().slice(0, 16)} ${(t.after - t.before) / 60}`,
      );
    expect(kinds('Europe/Paris', 2026)).toEqual(['2026-03-29T01:00 60', '2026-10-25T01:00 -60']);
    expect(kinds('Pacific/Chatham', 2026)).toEqual(['2026-04-04T14:00 -60', '2026-09-26T14:00 60']);
    expect(kinds('America/Santiago', 2026)).toEqual(['2026-04-05T03:00 -60', '2026-09-06T04:00 60']);
    expect(kinds('Asia/Beirut', 2026)).toEqual(['2026-03-28T22:00 60', '2026-10-24T21:00 -60']);
    expect(kinds('America/St_Johns', 2006)).toEqual(['2006-04-02T03:31 60', '2006-10-29T02:31 -60']);
    expect(kinds('Pacific/Apia', 2011).at(-1)).toBe('2011-12-30T10:00 1440');
    expect(kinds('Pacific/Kiritimati', 1994)).toEqual(['1994-12-31T10:00 1440']);
  });

  it(
    'places any instant and any wall time like the reference',
    () => {
      const trans = transitionsOf;
      fc.assert(
        fc.property(
          fc.constantFrom(...NAMED.filter((z) => ALL.includes(z))),
          fc.integer({ min: FROM_1970 + 2 * 86400, max: TO_2038 - 2 * 86400 }),
          (tz, t) => {
            expect(wallOf(t, tz)).toBe(refWall(tz, t));
            expect(fromWallSeconds(refWall(tz, t), tz)).toBe(refFromWall(tz, refWall(tz, t), trans(tz)));
            expect(startOfLocalDay(t, tz)).toBe(refDayStart(tz, refDate(tz, t), trans(tz)));
          },
        ),
        { numRuns: SOAK ? 20_000 : 300 },
      );
    },
    SOAK ? 600_000 : 60_000,
  );
});
