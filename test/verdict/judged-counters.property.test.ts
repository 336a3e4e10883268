import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, JUDGED_COUNTERS, STRIDE } from '../../src/rollup/counters.js';
import { Rollup } from '../../src/rollup/rollup.js';
import { BUILT_IN_RULES } from '../../src/verdict/defaults.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import type { RateRule, Rule, RuleSet } from '../../src/verdict/types.js';

/**
 * The fleet store's verdict reads sum only JUDGED_COUNTERS (src/app/sources/fleet-verdicts.ts): the
 * verdicts of every rule kind must not change when the other counters are zero.
 */
const SIZE = 300;
const T0 = Date.UTC(2026, 10, 28) / 1000;

const rate = (metric: RateRule['metric'], dim: 'isp' | null): RateRule => ({
  name: `${metric}-${dim ?? 'all'}`,
  metric,
  scope: { dim, value: null },
  window: 3600,
  warn: 0.1,
  crit: 0.3,
  minVolume: 2,
  perfdata: true,
  origin: null,
});

const RULES: Rule[] = [
  ...BUILT_IN_RULES,
  ...(['deferral', 'bounce', 'hardBounce', 'complaint'] as const).flatMap((m) => [rate(m, 'isp'), rate(m, null)]),
];

describe('the counters verdicts read', () => {
  it('are enough: the others at 0 judge alike', () => {
    const entry = fc.record({
      bucket: fc.integer({ min: 0, max: 300 }),
      isp: fc.constantFrom('gmail', 'yahoo', 'other'),
      counts: fc.array(fc.nat(5), { minLength: STRIDE, maxLength: STRIDE }),
    });
    const unread = COUNTER_NAMES.map((n, i) => (JUDGED_COUNTERS.includes(n) ? -1 : i)).filter((i) => i >= 0);
    expect(unread.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 80 }), fc.integer({ min: 0, max: 310 * SIZE }), (entries, offset) => {
        const whole = new Rollup(['isp']);
        const judged = new Rollup(['isp']);
        for (const e of entries) {
          const counts = Float64Array.from(e.counts);
          for (const r of [whole, judged]) {
            if (r === judged) for (const i of unread) counts[i] = 0;
            r.key[0] = r.bucketId(T0 + e.bucket * SIZE);
            r.key[1] = r.dicts[0].id(e.isp);
            r.addCounts(r.group(), counts, 0);
          }
        }
        const set: RuleSet = { rules: RULES, tz: 'UTC', file: null };
        const end = T0 + offset;
        const verdicts = (r: Rollup) => evaluate({ rollup: r, bucketSeconds: SIZE, end, rules: set, limits: null });
        expect(verdicts(judged)).toEqual(verdicts(whole));
      }),
      { numRuns: 200 },
    );
  });
});
