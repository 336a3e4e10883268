import { describe, expect, it } from 'vitest';
import { checkTimeZone, makeBucketing } from '../../src/rollup/buckets.js';

const T = Date.UTC(2026, 10, 28, 14, 37, 12) / 1000;

describe('buckets', () => {
  it('aligns fixed sizes to the epoch', () => {
    expect(makeBucketing('1m').start(T)).toBe(Date.UTC(2026, 10, 28, 14, 37) / 1000);
    expect(makeBucketing('5m').start(T)).toBe(Date.UTC(2026, 10, 28, 14, 35) / 1000);
    expect(makeBucketing('15m').start(T)).toBe(Date.UTC(2026, 10, 28, 14, 30) / 1000);
    expect(makeBucketing('1h').start(T)).toBe(Date.UTC(2026, 10, 28, 14) / 1000);
    expect(makeBucketing('1h').start(-1)).toBe(-3600);
  });

  it('aligns days to midnight in the zone, 23 and 25 hours long across DST', () => {
    const ny = makeBucketing('1d', 'America/New_York');
    expect(ny.start(T)).toBe(Date.UTC(2026, 10, 28, 5) / 1000);
    const spring = ny.start(Date.UTC(2026, 2, 8, 12) / 1000);
    expect(ny.next(spring) - spring).toBe(23 * 3600);
    const fall = ny.start(Date.UTC(2026, 10, 1, 12) / 1000);
    expect(ny.next(fall) - fall).toBe(25 * 3600);
    expect(makeBucketing('1d', 'Asia/Kolkata').start(T)).toBe(Date.UTC(2026, 10, 27, 18, 30) / 1000);
  });

  it('names an unknown zone', () => {
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
  });
});
