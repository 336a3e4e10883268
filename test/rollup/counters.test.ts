import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, countsOf, STRIDE } from '../../src/rollup/counters.js';

describe('countsOf', () => {
  it('names every counter of a row, in COUNTER_NAMES order (the JSON order), from its offset', () => {
    const rows = Float64Array.from({ length: 3 * STRIDE }, (_, i) => i * 10);
    const counts = countsOf(rows, STRIDE);
    expect(Object.keys(counts)).toEqual([...COUNTER_NAMES]);
    expect(Object.values(counts)).toEqual(Array.from({ length: STRIDE }, (_, i) => (STRIDE + i) * 10));
  });
});
