/**
 * The tiers of a tail state, as time-series stores keep them (RRDtool's archives, Graphite's
 * retentions, Prometheus downsampling): the state's own bucket for recent time, then coarser grains
 * as buckets age. A record is stored in exactly one tier at a time; `tail` moves a bucket's groups
 * into the next tier when it ages past that tier's retention (counters add, histograms merge, so
 * the move is exact), and readers add up every tier over the range they are asked.
 *
 * The chain is fixed when the state is made: the state's bucket, then 1 h, then local days of the
 * state's zone. In a zone whose midnight is not on a UTC hour (Asia/Kolkata, +05:30), UTC hours do
 * not fit in local days: the middle tier is 15 minutes there (every offset in use today is whole
 * quarter hours), and a state whose own bucket does not fit the zone's days has no day tier.
 */
import { bucketSeconds, makeBucketing, type Bucketing, type BucketSize } from '../rollup/buckets.js';
import { isUtcZone, zoneOffset } from '../util/zone.js';

export interface Tier {
  /** 0 is the state's own bucket. */
  readonly index: number;
  readonly grain: BucketSize;
  /** Its tables: groups and per-bucket counts (tier 0 keeps the names of schema 1). */
  readonly groups: string;
  readonly buckets: string;
  /** Its buckets (days at local midnight of the state's zone). */
  readonly bucketing: Bucketing;
}

/** Days around `at` whose midnights must fit the coarser grains (over a year either side). */
const CHECK_DAYS = 400;

/** Does every local midnight of tz, for a year or so around `at`, fall on a multiple of `size`? */
function midnightsFit(size: BucketSize, tz: string, at: number): boolean {
  if (isUtcZone(tz)) return true;
  const s = bucketSeconds(size);
  // A local midnight is 00:00 (or 01:00 where DST skips it) minus the offset: it fits when the offset does.
  for (let d = -CHECK_DAYS; d <= CHECK_DAYS; d++) {
    if (zoneOffset(at + d * 86400, tz) % s !== 0) return false;
  }
  return true;
}

/** The grains of a new state's tiers, finest first. */
export function tierChain(bucket: BucketSize, tz: string, at: number): BucketSize[] {
  const chain: BucketSize[] = [bucket];
  const size = bucketSeconds(bucket);
  if (size < 3600) {
    const middle = (['1h', '15m'] as const).find(
      (g) => bucketSeconds(g) > size && bucketSeconds(g) % size === 0 && midnightsFit(g, tz, at),
    );
    if (middle !== undefined) chain.push(middle);
  }
  if (midnightsFit(chain[chain.length - 1], tz, at)) chain.push('1d');
  return chain;
}

/**
 * How many tiers, finest first, every commit writes (schema 3): all but a day tier, whose buckets
 * are still moved in from the hours as those age (a day's rows beside its hours would be read twice
 * by a fleet store that keeps days only as rolled up; the hours already answer a week in a few
 * hundred thousand rows).
 */
export function tiersWritten(tiers: readonly Tier[]): number {
  const day = tiers.findIndex((t) => t.index > 0 && t.grain === '1d');
  return day < 0 ? tiers.length : day;
}

/** The meta key of a tier's floor (state/layout.ts). */
export function floorKey(tier: Tier): string {
  return `floor:${tier.grain}`;
}

export function tiersOf(chain: readonly BucketSize[], tz: string): Tier[] {
  return chain.map((grain, index) => ({
    index,
    grain,
    groups: index === 0 ? 'groups' : `groups_${grain}`,
    buckets: index === 0 ? 'buckets' : `buckets_${grain}`,
    bucketing: makeBucketing(grain, tz),
  }));
}

/** Seconds each tier keeps its buckets (a tier's buckets older than that move to the next; the last one's are dropped). */
export type Retention = readonly number[];

/** `--retain`: one duration for all (the oldest kept), and durations per grain. */
export interface RetainSpec {
  readonly all: number | null;
  readonly byGrain: ReadonlyMap<BucketSize, number>;
}

export const DEFAULT_RETAIN: RetainSpec = { all: null, byGrain: new Map() };

const HOUR = 3600;
const DAY = 86400;

/** Defaults: a sub-hour state bucket 48 h, the middle grain 35 days, days 400 days (this month last year). */
function defaultFor(tier: number, chain: readonly BucketSize[]): number {
  if (tier === chain.length - 1) return chain[tier] === '1d' ? 400 * DAY : 35 * DAY;
  if (tier === 0 && bucketSeconds(chain[0]) < HOUR) return 48 * HOUR;
  return 35 * DAY;
}

/** `48h`, `35d`: days from three days on, hours below. */
export function formatSeconds(s: number): string {
  if (s % DAY === 0 && s > 2 * DAY) return `${s / DAY}d`;
  if (s % HOUR === 0) return `${s / HOUR}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * Each tier's retention from `--retain`: a grain given explicitly keeps that; the others keep their
 * default, at most `all`, and the last tier keeps `all` when it is given. A coarser tier keeps at
 * least as long as a finer one (raised when not given; an error when given shorter).
 */
export function resolveRetention(spec: RetainSpec, chain: readonly BucketSize[]): { retention: number[]; error: string | null } {
  const unknown = [...spec.byGrain.keys()].filter((g) => !chain.includes(g));
  if (unknown.length > 0) {
    return { retention: [], error: `--retain ${unknown.map((g) => `${g}=...`).join(',')}: this state's tiers are ${chain.join(', ')}` };
  }
  const last = chain.length - 1;
  const out = chain.map((g, i) => {
    const given = spec.byGrain.get(g);
    if (given !== undefined) return given;
    if (i === last && spec.all !== null) return spec.all;
    return Math.min(defaultFor(i, chain), spec.all ?? Number.POSITIVE_INFINITY);
  });
  for (let i = 1; i < out.length; i++) {
    if (out[i] >= out[i - 1]) continue;
    if (spec.byGrain.has(chain[i])) {
      return {
        retention: [],
        error: `--retain: ${chain[i]} buckets (${formatSeconds(out[i])}) must be kept at least as long as ${chain[i - 1]} buckets (${formatSeconds(out[i - 1])})`,
      };
    }
    out[i] = out[i - 1];
  }
  if (out.some((s) => !(s > 0))) return { retention: [], error: '--retain: every duration must be more than 0' };
  return { retention: out, error: null };
}

/** `48h 5m, 35d 1h, 400d 1d`: what a state keeps, for messages. */
export function describeRetention(chain: readonly BucketSize[], retention: Retention): string {
  return chain.map((g, i) => `${g} buckets for ${formatSeconds(retention[i])}`).join(', then ');
}
