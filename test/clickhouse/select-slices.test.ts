/**
 * The time slices `query --clickhouse --select` walks (app/query/clickhouse-select.ts): the first as
 * wide as a page at the range's mean density, the next ones sized from the matches the last held.
 */
import { describe, expect, it } from 'vitest';
import { firstSlice, nextSlice } from '../../src/app/query/clickhouse-select.js';

const WEEK = 7 * 86400;

describe('select time slices', () => {
  it('the first slice holds a page at the mean density, never under a minute', () => {
    // 700,000 records in a week: 101 of them fill about 87 seconds; 7 M, 9 seconds: a minute
    expect(firstSlice({ n: 7e5, dated: 7e5, lo: 0, hi: WEEK - 1 }, 101)).toBe(Math.ceil((WEEK * 101) / 7e5));
    expect(firstSlice({ n: 7e6, dated: 7e6, lo: 0, hi: WEEK - 1 }, 101)).toBe(60);
    // fewer records than a page: the whole range at once
    expect(firstSlice({ n: 50, dated: 50, lo: 100, hi: 199 }, 101)).toBe(100);
  });

  it('the next slice grows by what the matches say, 2x to 16x, and stays when the last held a page', () => {
    expect(nextSlice(100, 0, 101)).toBe(1600);
    expect(nextSlice(100, 100, 101)).toBe(200);
    expect(nextSlice(100, 10, 101)).toBe(Math.ceil(100 * 1.25 * 10.1));
    expect(nextSlice(100, 1, 10_000)).toBe(1600);
    expect(nextSlice(100, 10_000, 10_000)).toBe(100);
  });
});
