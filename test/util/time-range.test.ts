import { describe, expect, it } from 'vitest';
import { parseDuration, parseInstant, parseRange } from '../../src/util/time-range.js';

const NOW = Date.UTC(2026, 10, 29, 10, 30, 0) / 1000; // Sunday 29 Nov 2026 10:30 UTC

describe('time range words and values', () => {
  it('reads words relative to now, in the zone', () => {
    expect(parseInstant('now', 'UTC', NOW)).toBe(NOW);
    expect(parseInstant('today', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 29) / 1000);
    expect(parseInstant('yesterday', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 28) / 1000);
    expect(parseInstant('yesterday', 'America/New_York', NOW)).toBe(Date.UTC(2026, 10, 28, 5) / 1000);
    expect(parseInstant('24h', 'UTC', NOW)).toBe(NOW - 86400);
    expect(parseInstant('7d', 'UTC', NOW)).toBe(NOW - 7 * 86400);
    expect(parseDuration('90m')).toBe(5400);
  });

  it('reads dates and local times in the zone, and full timestamps as written', () => {
    expect(parseInstant('2026-11-28', 'Europe/Paris', NOW)).toBe(Date.UTC(2026, 10, 27, 23) / 1000);
    expect(parseInstant('2026-11-28 14:00', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 28, 14) / 1000);
    expect(parseInstant('2026-11-28 14:00:00-0500', 'Europe/Paris', NOW)).toBe(Date.UTC(2026, 10, 28, 19) / 1000);
    expect(parseInstant('2026-03-08 02:30', 'America/New_York', NOW)).toBe(Date.UTC(2026, 2, 8, 7, 30) / 1000);
  });

  it('rejects what is not a time, and an empty range', () => {
    expect(() => parseInstant('last tuesday', 'UTC', NOW)).toThrow(/is not a time/);
    expect(() => parseRange('today', 'yesterday', 'UTC', NOW)).toThrow(/must be before/);
    expect(parseRange(undefined, '24h', 'UTC', NOW)).toEqual({ since: null, until: NOW - 86400 });
  });
});
