/** The tiers of a state by bucket and zone, `--retain` and how it resolves against them. */
import { describe, expect, it } from 'vitest';
import { parseRetain } from '../../src/cli/args.js';
import { PmtaAcctError } from '../../src/errors.js';
import { describeRetention, resolveRetention, tierChain, tiersOf } from '../../src/state/tiers.js';

const AT = Date.UTC(2026, 11, 1) / 1000;
const H = 3600;
const D = 86400;

describe('tierChain', () => {
  it('is the bucket, hours, then local days where midnights fall on the hour', () => {
    expect(tierChain('5m', 'UTC', AT)).toEqual(['5m', '1h', '1d']);
    expect(tierChain('1m', 'America/New_York', AT)).toEqual(['1m', '1h', '1d']);
    expect(tierChain('15m', 'Europe/Paris', AT)).toEqual(['15m', '1h', '1d']);
    expect(tierChain('1h', 'UTC', AT)).toEqual(['1h', '1d']);
  });

  it('keeps quarter hours in the middle where midnight is not on a UTC hour', () => {
    expect(tierChain('5m', 'Asia/Kolkata', AT)).toEqual(['5m', '15m', '1d']);
    expect(tierChain('5m', 'Asia/Kathmandu', AT)).toEqual(['5m', '15m', '1d']);
    // Lord Howe Island: +10:30 in winter, +11 in summer (a half-hour DST change)
    expect(tierChain('5m', 'Australia/Lord_Howe', AT)).toEqual(['5m', '15m', '1d']);
    expect(tierChain('15m', 'Asia/Kolkata', AT)).toEqual(['15m', '1d']);
  });

  it("has no day tier when the state bucket does not fit the zone's days", () => {
    expect(tierChain('1h', 'Asia/Kolkata', AT)).toEqual(['1h']);
  });

  it("names tier 0's tables as schema 1 did, the others by grain", () => {
    const t = tiersOf(['5m', '1h', '1d'], 'UTC');
    expect(t.map((x) => [x.groups, x.buckets])).toEqual([
      ['groups', 'buckets'],
      ['groups_1h', 'buckets_1h'],
      ['groups_1d', 'buckets_1d'],
    ]);
    expect(t[2].bucketing.start(AT + 5000)).toBe(AT);
  });
});

describe('--retain', () => {
  const chain = ['5m', '1h', '1d'] as const;
  const resolve = (text: string | null, c: readonly ('5m' | '1h' | '1d' | '15m')[] = chain) =>
    resolveRetention(text === null ? { all: null, byGrain: new Map() } : parseRetain(text), c);

  it('defaults to 48 h of the state bucket, 35 days of hours, 400 days of days', () => {
    expect(resolve(null).retention).toEqual([48 * H, 35 * D, 400 * D]);
    expect(describeRetention(chain, resolve(null).retention)).toBe('5m buckets for 48h, then 1h buckets for 35d, then 1d buckets for 400d');
    expect(resolve(null, ['1h', '1d']).retention).toEqual([35 * D, 400 * D]);
    expect(resolve(null, ['1h']).retention).toEqual([35 * D]);
  });

  it('one duration keeps nothing older (the form of the first versions)', () => {
    expect(resolve('35d').retention).toEqual([48 * H, 35 * D, 35 * D]);
    expect(resolve('5d').retention).toEqual([48 * H, 5 * D, 5 * D]);
    expect(resolve('24h').retention).toEqual([24 * H, 24 * H, 24 * H]);
  });

  it('sets tiers by grain, raising coarser defaults to what a finer tier keeps', () => {
    expect(resolve('5m=7d,1d=2000d').retention).toEqual([7 * D, 35 * D, 2000 * D]);
    expect(resolve('5m=60d').retention).toEqual([60 * D, 60 * D, 400 * D]);
    expect(resolve('90d,5m=3d').retention).toEqual([3 * D, 35 * D, 90 * D]);
  });

  it('refuses what cannot hold: a grain the state has not, a coarser tier kept shorter, nonsense', () => {
    expect(resolve('1m=1d').error).toMatch(/this state's tiers are 5m, 1h, 1d/);
    expect(resolve('1h=24h').error).toMatch(/1h buckets \(24h\) must be kept at least as long as 5m buckets \(48h\)/);
    for (const bad of ['', 'x', '5m=', '2m=1d', '5m=1d,5m=2d', '10d,20d']) {
      expect(() => parseRetain(bad), bad).toThrow(PmtaAcctError);
    }
  });
});
