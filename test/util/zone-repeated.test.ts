import { describe, expect, it } from 'vitest';
import { bucketTime } from '../../src/render/format.js';
import { offsetText, repeatedWallTime } from '../../src/util/zone.js';

const utc = (iso: string) => Date.parse(iso) / 1000;

describe('repeatedWallTime and offsetText: the hour a change back shows twice', () => {
  it('New York, 2026-11-01: 01:00-01:59 twice (05:00Z-06:59Z), not 00:59 nor 02:00', () => {
    const tz = 'America/New_York';
    expect(repeatedWallTime(utc('2026-11-01T05:00:00Z'), tz)).toBe(true);
    expect(repeatedWallTime(utc('2026-11-01T06:59:00Z'), tz)).toBe(true);
    expect(repeatedWallTime(utc('2026-11-01T04:59:00Z'), tz)).toBe(false);
    expect(repeatedWallTime(utc('2026-11-01T07:00:00Z'), tz)).toBe(false);
    // spring forward skips an hour: nothing repeats
    expect(repeatedWallTime(utc('2026-03-08T07:00:00Z'), tz)).toBe(false);
    expect(offsetText(utc('2026-11-01T05:00:00Z'), tz)).toBe('-04');
    expect(offsetText(utc('2026-11-01T06:00:00Z'), tz)).toBe('-05');
  });

  it('half-hour changes and offsets (Lord Howe), UTC never', () => {
    // Australia/Lord_Howe goes back from +11 to +10:30 at 02:00 local on 2026-04-05 (15:00Z the day before)
    expect(repeatedWallTime(utc('2026-04-04T14:45:00Z'), 'Australia/Lord_Howe')).toBe(true);
    expect(offsetText(utc('2026-04-04T15:15:00Z'), 'Australia/Lord_Howe')).toBe('+10:30');
    expect(repeatedWallTime(utc('2026-11-01T05:00:00Z'), 'UTC')).toBe(false);
    expect(offsetText(0, 'UTC')).toBe('+00');
  });

  it('bucketTime adds the offset to the repeated labels only', () => {
    const tz = 'America/New_York';
    expect(bucketTime(utc('2026-11-01T05:00:00Z'), tz)).toBe('2026-11-01 01:00 -04');
    expect(bucketTime(utc('2026-11-01T06:00:00Z'), tz)).toBe('2026-11-01 01:00 -05');
    expect(bucketTime(utc('2026-11-01T07:00:00Z'), tz)).toBe('2026-11-01 02:00');
    expect(bucketTime(utc('2026-11-01T05:00:00Z'), 'Europe/Paris')).toBe('2026-11-01 06:00');
  });
});
