import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRIDE } from '../../src/rollup/counters.js';
import { regroup } from '../../src/rollup/regroup.js';
import { Rollup } from '../../src/rollup/rollup.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import type { RateRule, Rule, RuleSet, SilenceRule } from '../../src/verdict/types.js';
import { windowStarts } from '../../src/verdict/window.js';

/**
 * The fleet store sums a window's buckets per band between the rules' window starts
 * (src/app/sources/fleet-verdicts.ts): judging those bands must give exactly the verdicts of the
 * bucket series, wherever the window ends and whichever windows the rules have.
 */
const SIZE = 300;
const T0 = Date.UTC(2026, 10, 28) / 1000;

const rate = (name: string, window: number, dim: 'isp' | null): RateRule => ({
  name,
  metric: 'deferral',
  scope: { dim, value: null },
  window,
  warn: 0.2,
  crit: 0.5,
  minVolume: 3,
  perfdata: true,
  origin: null,
});
const silence = (window: number): SilenceRule => ({
  name: `s${window}`,
  metric: 'silence',
  scope: { dim: 'isp', value: null },
  window,
  level: 'CRIT',
  minVolume: 0,
  hours: null,
  perfdata: true,
  origin: null,
});

describe('verdict windows summed per band', () => {
  it('judge as the buckets they sum', () => {
    const entry = fc.record({
      bucket: fc.integer({ min: 0, max: 400 }),
      isp: fc.constantFrom('gmail', 'yahoo', 'other'),
      delivered: fc.nat(6),
      deferred: fc.nat(6),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 120 }),
        fc.uniqueArray(fc.constantFrom(300, 900, 1800, 3600, 4 * 3600, 86400), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 420 * SIZE }),
        (entries, windows, offset) => {
          const buckets = new Rollup(['isp']);
          const counts = new Float64Array(STRIDE);
          for (const e of entries) {
            buckets.key[0] = buckets.bucketId(T0 + e.bucket * SIZE);
            buckets.key[1] = buckets.dicts[0].id(e.isp);
            counts.fill(0);
            counts[0] = e.delivered;
            counts[1] = e.deferred;
            buckets.addCounts(buckets.group(), counts, 0);
          }
          const rules: Rule[] = windows.flatMap((w, i) => [rate(`r${w}`, w, i % 2 === 0 ? 'isp' : null), silence(w)]);
          const set: RuleSet = { rules, tz: 'UTC', file: null };
          const end = T0 + offset;
          const bands = windowStarts(rules, end, SIZE);
          const band = (s: number) => bands.filter((b) => b <= s).pop() ?? Number.NaN;
          const banded = regroup(buckets, ['isp'], band, (s) => s >= bands[0] && s < end);
          const judged = (r: Rollup) => evaluate({ rollup: r, bucketSeconds: SIZE, end, rules: set, limits: null });
          expect(bands.length).toBeLessThanOrEqual(windows.length);
          expect(judged(banded)).toEqual(judged(buckets));
        },
      ),
      { numRuns: 200 },
    );
  });
});
