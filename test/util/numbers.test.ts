import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/util/numbers.js';

describe('formatCount', () => {
  it('groups whole numbers by thousands as en-US does, without ICU', () => {
    const intl = new Intl.NumberFormat('en-US');
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(formatCount(n)).toBe(intl.format(n));
      }),
      { numRuns: 500 },
    );
    for (const n of [0, 7, 999, 1000, 31200, 999999, 1000000, -1000, -0]) expect(formatCount(n)).toBe(intl.format(n));
  });

  it('falls back to Intl for fractions', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});
