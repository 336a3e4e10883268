/**
 * Fixed time buckets keyed by event time: 1m/5m/15m/1h aligned to the epoch (UTC), 1d aligned to
 * midnight in a time zone (so a day in America/New_York is 23, 24 or 25 hours long).
 */
import { PmtaAcctError } from '../errors.js';
import { addLocalDays, assertZone, isUtcZone, startOfLocalDay } from '../util/zone.js';
import { isOneOf } from '../util/one-of.js';

export const BUCKET_SIZES = ['1m', '5m', '15m', '1h', '1d'] as const;
export type BucketSize = (typeof BUCKET_SIZES)[number];

const SECONDS: Record<BucketSize, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '1d': 86400 };

export function isBucketSize(s: string): s is BucketSize {
  return isOneOf(BUCKET_SIZES, s);
}

export function bucketSeconds(size: BucketSize): number {
  return SECONDS[size];
}

export interface Bucketing {
  readonly size: BucketSize;
  readonly tz: string;
  /** Start (epoch seconds) of the bucket holding time t. */
  start(t: number): number;
  /** Start of the bucket after the one starting at `start`. */
  next(start: number): number;
}

/** Validate an IANA time zone name (or UTC). */
export function checkTimeZone(tz: string): string {
  if (isUtcZone(tz)) return tz;
  try {
    assertZone(tz);
  } catch {
    throw new PmtaAcctError('USAGE', `unknown time zone '${tz}' (use an IANA name such as Europe/Paris, or UTC)`);
  }
  return tz;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** One Bucketing per size and zone in a thread (bucketings, below). */
const made = new Map<string, Bucketing>();

/**
 * The bucketing of `size` in zone `tz`: the same object (and functions) for every caller in a
 * thread, so that the per-record code, which calls its functions, sees one call target whatever
 * the task; a new one per task made that code bail out at each task's first bucket and be compiled
 * again (bench/RESULTS.md, seventh pass). Its only state is a cache of the current day.
 */
export function makeBucketing(size: BucketSize, tz = 'UTC'): Bucketing {
  const key = `${size} ${tz}`;
  let b = made.get(key);
  if (b === undefined) {
    b = newBucketing(size, tz);
    made.set(key, b);
  }
  return b;
}

function newBucketing(size: BucketSize, tz: string): Bucketing {
  const seconds = SECONDS[size];
  if (size !== '1d' || isUtcZone(tz)) {
    return {
      size,
      tz,
      start: (t) => t - mod(t, seconds),
      next: (start) => start + seconds,
    };
  }
  checkTimeZone(tz);
  // Days in a zone with DST vary in length: cache the current day's [start, end).
  let lo = NaN;
  let hi = NaN;
  const nextDay = (start: number) => addLocalDays(start, 1, tz);
  return {
    size,
    tz,
    start(t) {
      if (t >= lo && t < hi) return lo;
      lo = startOfLocalDay(t, tz);
      hi = nextDay(lo);
      // Where a change of offset after midnight takes the date back (America/St_Johns at 00:01
      // until 2011), the repeated hour of the day before belongs to the day that had begun:
      // days are contiguous, each from the first instant of its date.
      while (hi <= t && hi > lo) {
        lo = hi;
        hi = nextDay(lo);
      }
      return lo;
    },
    next: nextDay,
  };
}
