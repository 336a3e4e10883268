import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BINS, binOf, binRange, percentile, summarize } from '../../src/rollup/latency.js';

describe('latency histogram', () => {
  it('is exact below 16 s and each bin holds its own values', () => {
    for (let v = 0; v < 16; v++) expect(binRange(binOf(v))).toEqual([v, 1]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 24 - 1 }), (v) => {
        const [low, width] = binRange(binOf(v));
        expect(v).toBeGreaterThanOrEqual(low);
        expect(v).toBeLessThan(low + width);
        if (low >= 16) expect(width / low).toBeLessThanOrEqual(0.125);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('clamps huge and negative values into the end bins', () => {
    expect(binOf(2 ** 30)).toBe(BINS - 1);
    expect(binOf(-5)).toBe(0);
  });

  it('gives nearest-rank percentiles, at the middle of wide bins', () => {
    const h = new Uint32Array(BINS);
    for (let v = 1; v <= 10; v++) h[binOf(v)]++;
    expect(percentile(h, 0, 0.5)).toBe(5);
    expect(percentile(h, 0, 0.9)).toBe(9);
    expect(percentile(h, 0, 1)).toBe(10);
    const wide = new Uint32Array(BINS);
    wide[binOf(1000)] = 3;
    const [low, width] = binRange(binOf(1000));
    expect(percentile(wide, 0, 0.5)).toBe(Math.round(low + width / 2));
    expect(percentile(new Uint32Array(BINS), 0, 0.5)).toBeNull();
  });

  it('summarizes a value in any bin as percentile() reads that bin', () => {
    for (let bin = 0; bin < BINS; bin++) {
      const hist = new Uint32Array(BINS);
      hist[bin] = 3;
      const p = percentile(hist, 0, 0.5);
      expect(summarize(hist, 0)).toEqual({ count: 3, p50: p, p90: p, p99: p });
    }
  });

  it('summarizes with the same percentiles as percentile(), in one pass', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: BINS - 1 }), fc.integer({ min: 1, max: 1000 })), { maxLength: 30 }),
        (cells) => {
          const hist = new Uint32Array(2 * BINS);
          for (const [bin, n] of cells) hist[BINS + bin] += n;
          const s = summarize(hist, BINS);
          expect(s.count).toBe(cells.reduce((a, [, n]) => a + n, 0));
          expect([s.p50, s.p90, s.p99]).toEqual([0.5, 0.9, 0.99].map((q) => percentile(hist, BINS, q)));
        },
      ),
      { numRuns: 200, seed: 20261129 },
    );
  });
});
