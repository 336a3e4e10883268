/**
 * Sliding sums (every window end of a period in order, one pass) must judge exactly what a
 * regrouping per window judges (`evaluate`, the verdicts of check and of a report's end): the same
 * verdicts, numbers and messages at every end, for any rollup, rules, bucket size and ends on or
 * off bucket edges.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIspMap } from '../../src/classify/isp-map.js';
import { loadRateLimits } from '../../src/pmta-config/limits.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import { judgeEnds, windowEnds } from '../../src/verdict/series.js';
import type { Rule, RuleSet } from '../../src/verdict/types.js';
import { at, rollupOf, type Add } from '../helpers/rollup.js';

const dir = mkdtempSync(join(tmpdir(), 'pmta-series-'));
writeFileSync(
  join(dir, 'config'),
  [
    '<domain gmail.com>',
    '  max-msg-rate 100/15m',
    '</domain>',
    '<virtual-mta v1>',
    '  smtp-source-host 203.0.113.1 v1',
    '</virtual-mta>',
    '<virtual-mta v2>',
    '  smtp-source-host 203.0.113.2 v2',
    '</virtual-mta>',
    '<virtual-mta-pool p>',
    '  virtual-mta v1',
    '  virtual-mta v2',
    '</virtual-mta-pool>',
    '',
  ].join('\n'),
);
const limits = loadRateLimits(join(dir, 'config'), createIspMap());

const ISPS = ['gmail', 'yahoo', 'orange', ''];
const IPS = ['203.0.113.1', '203.0.113.2', '198.51.100.9'];

const add: fc.Arbitrary<Add> = fc.record({
  t: fc.integer({ min: at(0), max: at(30) }),
  key: fc.record({ isp: fc.constantFrom(...ISPS), ip: fc.constantFrom(...IPS) }),
  counts: fc.record({
    delivered: fc.integer({ min: 0, max: 60 }),
    deferred: fc.integer({ min: 0, max: 20 }),
    bounced: fc.integer({ min: 0, max: 5 }),
    hardBounced: fc.integer({ min: 0, max: 3 }),
    complaints: fc.integer({ min: 0, max: 2 }),
    queueDeferred: fc.integer({ min: 0, max: 2 }),
    remoteBounced: fc.integer({ min: 0, max: 1 }),
  }),
});

function rules(window: number, minVolume: number, warn: number, hours: boolean): RuleSet {
  const list: Rule[] = [
    {
      name: 'def-isp',
      metric: 'deferral',
      scope: { dim: 'isp', value: null },
      window,
      warn,
      crit: warn * 2,
      minVolume,
      perfdata: true,
      origin: null,
    },
    {
      name: 'def-gmail',
      metric: 'deferral',
      scope: { dim: 'isp', value: 'gmail' },
      window: window * 2,
      warn: warn / 2,
      crit: null,
      minVolume,
      perfdata: true,
      origin: null,
    },
    {
      name: 'bounce',
      metric: 'bounce',
      scope: { dim: null, value: null },
      window: 86400,
      warn: 0.05,
      crit: 0.1,
      minVolume,
      perfdata: true,
      origin: null,
    },
    {
      name: 'complaint',
      metric: 'complaint',
      scope: { dim: 'isp', value: null },
      window: 86400,
      warn: 0.001,
      crit: 0.01,
      minVolume,
      perfdata: true,
      origin: null,
    },
    {
      name: 'silence',
      metric: 'silence',
      scope: { dim: null, value: null },
      window: 1800,
      level: 'CRIT',
      minVolume: 3,
      hours: hours ? { from: 360, to: 1320 } : null,
      perfdata: true,
      origin: null,
    },
    {
      name: 'quiet-yahoo',
      metric: 'silence',
      scope: { dim: 'isp', value: 'yahoo' },
      window,
      level: 'WARN',
      minVolume: 1,
      hours: null,
      perfdata: true,
      origin: null,
    },
    {
      name: 'msg-rate',
      metric: 'msgRate',
      scope: { dim: 'ip', value: null },
      window: 3600,
      warn: 1,
      crit: 1.5,
      perfdata: false,
      origin: null,
    },
    { name: 'capacity', metric: 'capacity', scope: { dim: 'pool', value: null }, window: 3600, perfdata: true, origin: null },
  ];
  return { rules: list, tz: 'Europe/Paris', file: null };
}

describe('judging every window end over sliding sums', () => {
  it('gives at every end exactly the verdicts of a regrouping at that end', () => {
    fc.assert(
      fc.property(
        fc.array(add, { minLength: 0, maxLength: 120 }),
        fc.constantFrom(60, 300),
        fc.constantFrom(300, 900, 3600, 5400),
        fc.integer({ min: 0, max: 150 }),
        fc.constantFrom(0.01, 0.03, 0.2),
        fc.boolean(),
        fc.integer({ min: 1, max: 299 }),
        (adds, bucket, window, minVolume, warn, hours, offset) => {
          const rollup = rollupOf(['isp', 'ip'], bucket, adds);
          const set = rules(window, minVolume, warn, hours);
          // ends on the grain, then one off it (as a report's last end, one second after its latest event)
          const ends = windowEnds(at(0) - 600, at(31) + offset, 300);
          const seen: number[] = [];
          judgeEnds({ rollup, bucketSeconds: bucket, rules: set, limits }, ends, (end, verdicts) => {
            seen.push(end);
            expect(verdicts).toEqual(evaluate({ rollup, bucketSeconds: bucket, end, rules: set, limits }));
          });
          expect(seen).toEqual(ends);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('with problemsOnly, gives the WARN and CRIT verdicts of the full judgement and nothing else', () => {
    fc.assert(
      fc.property(fc.array(add, { minLength: 1, maxLength: 80 }), (adds) => {
        const rollup = rollupOf(['isp', 'ip'], 300, adds);
        const set = rules(3600, 20, 0.03, false);
        const ends = windowEnds(at(0), at(31), 300);
        const full: string[] = [];
        const problems: string[] = [];
        judgeEnds({ rollup, bucketSeconds: 300, rules: set, limits }, ends, (end, vs) =>
          full.push(...vs.filter((v) => v.level === 'WARN' || v.level === 'CRIT').map((v) => `${end} ${v.message}`)),
        );
        judgeEnds({ rollup, bucketSeconds: 300, rules: set, limits, problemsOnly: true }, ends, (end, vs) =>
          problems.push(...vs.map((v) => `${end} ${v.message}`)),
        );
        expect(problems).toEqual(full);
      }),
      { numRuns: 20 },
    );
  });

  it('lists the ends of a period: every grain edge after the start, then the end itself', () => {
    expect(windowEnds(at(1, 2), at(1, 20, 1), 300)).toEqual([at(1, 5), at(1, 10), at(1, 15), at(1, 20), at(1, 20, 1)]);
    expect(windowEnds(at(1), at(1, 10), 300)).toEqual([at(1, 5), at(1, 10)]);
    expect(windowEnds(at(1), at(1), 300)).toEqual([]);
  });

  it('refuses a window that moves back', () => {
    const rollup = rollupOf(['isp'], 300, [{ t: at(1), key: { isp: 'gmail' }, counts: { delivered: 1 } }]);
    const set = rules(3600, 0, 0.03, false);
    expect(() =>
      judgeEnds(
        { rollup, bucketSeconds: 300, rules: { ...set, rules: set.rules.slice(0, 1) }, limits: null },
        [at(2), at(1)],
        () => undefined,
      ),
    ).toThrow(/only move forward/);
  });
});
