import { describe, expect, it } from 'vitest';
import {
  COUNTER_NAMES,
  countsOf,
  RATE_NAMES,
  rateDenominator,
  rateNumerator,
  rateParts,
  ratesOf,
  recordsAt,
  recordsOf,
  STRIDE,
} from '../../src/rollup/counters.js';

describe('countsOf', () => {
  it('names every counter of a row, in COUNTER_NAMES order (the JSON order), from its offset', () => {
    const rows = Float64Array.from({ length: 3 * STRIDE }, (_, i) => i * 10);
    const counts = countsOf(rows, STRIDE);
    expect(Object.keys(counts)).toEqual([...COUNTER_NAMES]);
    expect(Object.values(counts)).toEqual(Array.from({ length: STRIDE }, (_, i) => (STRIDE + i) * 10));
  });
});

describe('the sums read off a row', () => {
  const rows = Float64Array.from({ length: 2 * STRIDE }, (_, i) => (i * 7919) % 101);
  const counts = countsOf(rows, STRIDE);

  it('recordsAt is recordsOf without the Counts object (bytes and the hard/soft split not counted)', () => {
    expect(recordsAt(rows, STRIDE)).toBe(recordsOf(counts));
    expect(recordsOf(counts)).toBe(
      counts.delivered +
        counts.deferred +
        counts.queueDeferred +
        counts.bounced +
        counts.complaints +
        counts.remoteBounced +
        counts.remoteStatus +
        counts.received,
    );
  });

  it('ratesOf is each rate of rateParts, null without a denominator', () => {
    const rates = ratesOf(counts);
    for (const name of RATE_NAMES) {
      const [num, den] = rateParts(name, counts);
      expect(rates[name]).toBe(num / den);
      expect([rateNumerator(name, counts), rateDenominator(name, counts)]).toEqual([num, den]);
    }
    expect(Object.values(ratesOf(countsOf(new Float64Array(STRIDE))))).toEqual([null, null, null, null]);
  });
});
