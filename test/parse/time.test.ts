import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseTime } from '../../src/parse/time.js';

const T = Date.UTC(2026, 10, 28, 15, 0, 0) / 1000;

describe('parseTime', () => {
  it.each([
    ['2026-11-28 10:00:00-0500'],
    ['2026-11-28 10:00:00-05:00'],
    ['2026-11-28T10:00:00-05'],
    ['2026-11-28T15:00:00Z'],
    ['2026-11-28 15:00:00'],
    ['2026-11-28 15:00:00.250Z'],
    ['2026-11-28 20:30:00+0530'],
    ['11/28/2026 10:00:00-0500'],
    ['1795878000'],
    [' 2026-11-28 15:00:00+0000 '],
  ])('reads %s', (text) => {
    expect(parseTime(text)).toBe(T);
  });

  it.each([
    [''],
    ['yesterday'],
    ['2026-13-01 00:00:00+0000'],
    ['2026-02-29 00:00:00+0000'],
    ['2026-11-31 00:00:00+0000'],
    ['2026-11-28 24:00:00+0000'],
    ['2026-11-28 10:60:00+0000'],
    ['2026-11-28 10:00:00+2500'],
    ['2026-11-28 10:00:00 0500'],
    ['2026-11-28 10:00:00-050'],
    ['12345'],
    ['2026-11-28X10:00:00Z'],
    ['2026-11-28 10:00:00Zjunk'],
    ['1795878000.5'],
  ])('rejects %j', (text) => {
    expect(parseTime(text)).toBeNaN();
  });

  it('accepts 29 February in leap years and a leap second as :59', () => {
    expect(parseTime('2024-02-29 00:00:00+0000')).toBe(Date.UTC(2024, 1, 29) / 1000);
    expect(parseTime('2026-12-31 23:59:60+0000')).toBe(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000);
  });

  it('agrees with Date.UTC over four centuries of dates', () => {
    for (let y = 1900; y <= 2300; y += 7) {
      for (const [m, d] of [
        [1, 1],
        [2, 28],
        [3, 1],
        [7, 15],
        [12, 31],
      ]) {
        expect(daysFromCivil(y, m, d) * 86400).toBe(Date.UTC(y, m - 1, d) / 1000);
      }
    }
  });
});
