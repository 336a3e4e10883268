import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowOrder } from '../../src/model/rows.js';
import { recordsAt, STRIDE } from '../../src/rollup/counters.js';
import { rollupOfSpecs } from '../helpers/rollup.js';

/** Values that are prefixes of each other, with and without NUL (a hostile log's), and non-ASCII. */
const value = fc.constantFrom('', 'a', 'ab', 'a\u0000', 'a\u0000b', '\u0000', 'b', 'é', '2001:db8::1', '10.0.0.1');

describe('the order of a rollup rows', () => {
  it('is by bucket (none first), then biggest first, then by the key values joined by NUL', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            values: fc.array(value, { minLength: 2, maxLength: 2 }),
            bucket: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
            counts: fc.array(fc.nat(2), { minLength: STRIDE, maxLength: STRIDE }),
            latencies: fc.constant([]),
          }),
          { maxLength: 60 },
        ),
        (groups) => {
          const r = rollupOfSpecs(['isp', 'ip'], groups);
          const bucket = (g: number) => (Number.isNaN(r.bucketOf(g)) ? Number.NEGATIVE_INFINITY : r.bucketOf(g));
          const text = (g: number) => [r.valueOf(g, 0), r.valueOf(g, 1)].join('\u0000');
          const expected = Array.from({ length: r.size }, (_, g) => g).sort(
            (a, b) =>
              bucket(a) - bucket(b) ||
              recordsAt(r.counters, b * STRIDE) - recordsAt(r.counters, a * STRIDE) ||
              (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0),
          );
          expect(rowOrder(r)).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });
});
