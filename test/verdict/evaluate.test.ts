import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIspMap } from '../../src/classify/isp-map.js';
import { loadRateLimits } from '../../src/pmta-config/limits.js';
import type { CounterName } from '../../src/rollup/counters.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import { evaluate, worstLevel } from '../../src/verdict/evaluate.js';
import type { CapacityRule, MsgRateRule, RateMetric, RateRule, Rule, RuleSet, SilenceRule } from '../../src/verdict/types.js';
import { at, rollupOf } from '../helpers/rollup.js';

const FIVE = 300;

function set(...rules: Rule[]): RuleSet {
  return { rules, tz: 'UTC', file: null };
}

function rateRule(metric: RateMetric, over: Partial<RateRule> = {}): RateRule {
  return {
    name: metric,
    metric,
    scope: { dim: 'isp', value: null },
    window: 3600,
    warn: 0.03,
    crit: 0.05,
    minVolume: 100,
    perfdata: true,
    origin: null,
    ...over,
  };
}

/**
 * Counts for `metric` giving numerator `num` over denominator `den`:
 * deferral = deferred / (delivered + bounced + deferred), bounce and hardBounce = x / (delivered + bounced),
 * complaint = complaints / delivered.
 */
function countsFor(metric: RateMetric, num: number, den: number): Partial<Record<CounterName, number>> {
  switch (metric) {
    case 'deferral':
      return { deferred: num, delivered: den - num };
    case 'bounce':
      return { bounced: num, softBounced: num, delivered: den - num };
    case 'hardBounce':
      return { bounced: num, hardBounced: num, delivered: den - num };
    case 'complaint':
      return { complaints: num, delivered: den };
  }
}

describe('rate rules at, just below and just above their thresholds', () => {
  const end = at(12);
  // threshold (fraction), denominator, numerator exactly at it
  const cases: [RateMetric, number, number, number][] = [
    ['deferral', 0.03, 1000, 30],
    ['bounce', 0.05, 2000, 100],
    ['hardBounce', 0.01, 1000, 10],
    ['complaint', 0.001, 10000, 10],
    ['complaint', 0.003, 1000, 3],
  ];
  it.each(cases)('%s at %s', (metric, warn, den, num) => {
    const judge = (n: number) => {
      const rollup = rollupOf(['isp'], FIVE, [{ t: at(11, 30), key: { isp: 'gmail' }, counts: countsFor(metric, n, den) }]);
      const vs = evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(rateRule(metric, { warn, crit: warn * 2 })), limits: null });
      expect(vs).toHaveLength(1);
      return vs[0];
    };
    expect(judge(num).level).toBe('OK'); // at the threshold: not above it
    expect(judge(num - 1).level).toBe('OK');
    const above = judge(num + 1);
    expect(above.level).toBe('WARN');
    expect(above).toMatchObject({
      rule: metric,
      scope: { isp: 'gmail' },
      count: num + 1,
      volume: den,
      threshold: warn,
      warn,
      crit: warn * 2,
    });
    expect(above.value).toBeCloseTo((num + 1) / den, 12);
    expect(above.message).toMatch(/^gmail .* over the last 1h > /);
    expect(judge(2 * num).level).toBe('WARN'); // at crit
    expect(judge(2 * num + 1).level).toBe('CRIT');
    expect(judge(2 * num + 1).threshold).toBe(warn * 2);
  });

  it('writes the issue example message', () => {
    const rollup = rollupOf(['isp'], FIVE, [{ t: at(11, 10), key: { isp: 'gmail' }, counts: { deferred: 1310, delivered: 29890 } }]);
    const [v] = evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(rateRule('deferral', { crit: null })), limits: null });
    expect(v.message).toBe('gmail deferral 4.2% (1,310 of 31,200) over the last 1h > 3%');
  });
});

describe('minimum volume', () => {
  const end = at(12);
  const judge = (den: number) => {
    const rollup = rollupOf(['isp'], FIVE, [{ t: at(11, 59), key: { isp: 'yahoo' }, counts: { deferred: 50, delivered: den - 50 } }]);
    return evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(rateRule('deferral', { minVolume: 100 })), limits: null });
  };
  it('says nothing below it, and judges from it on', () => {
    expect(judge(99)).toEqual([]);
    expect(judge(100)).toHaveLength(1);
    expect(judge(100)[0].level).toBe('CRIT');
  });
  it('says nothing at all without a denominator, even with a minimum of 0', () => {
    const rollup = rollupOf(['isp'], FIVE, [{ t: at(11, 59), key: { isp: 'yahoo' }, counts: { received: 5 } }]);
    expect(evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(rateRule('complaint', { minVolume: 0 })), limits: null })).toEqual([]);
  });
});

describe('windows straddling bucket edges', () => {
  const rule = rateRule('deferral', { minVolume: 1, scope: { dim: null, value: null } });
  const rollup = rollupOf([], FIVE, [
    { t: at(10, 59, 59), counts: { deferred: 1000 } }, // in the 10:55 bucket
    { t: at(11, 0, 0), counts: { delivered: 1 } }, // first second of the 11:00 bucket
    { t: at(11, 4, 59), counts: { delivered: 2 } },
    { t: at(11, 59, 59), counts: { delivered: 4 } },
    { t: at(12, 0, 0), counts: { delivered: 8 } },
  ]);
  const judge = (end: number) => evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(rule), limits: null })[0];

  it('covers exactly [end - window, end) when the end is on a bucket edge', () => {
    const v = judge(at(12));
    expect(v.window).toEqual({ start: at(11), end: at(12), seconds: 3600 });
    expect(v.volume).toBe(7);
  });
  it('rounds the start down to its bucket: at least the window, at most one bucket more', () => {
    const v = judge(at(12, 0, 1));
    expect(v.window.start).toBe(at(11));
    expect(v.volume).toBe(15);
    const w = judge(at(12, 3));
    expect(w.window.start).toBe(at(11));
    const x = judge(at(11, 59, 59));
    expect(x.window.start).toBe(at(10, 55));
    expect(x.volume).toBe(1003 + 4); // 10:55 bucket included, the 11:59:59 bucket too (its records before the end were counted by the caller)
  });
  it('starts at the bucket holding end - window on 1-minute buckets too', () => {
    const fine = rollupOf([], 60, [
      { t: at(10, 59, 30), counts: { deferred: 5 } },
      { t: at(11, 0, 30), counts: { delivered: 5 } },
    ]);
    const v = evaluate({ rollup: fine, bucketSeconds: 60, end: at(12, 0, 20), rules: set(rule), limits: null })[0];
    expect(v.window.start).toBe(at(11));
    expect(v.volume).toBe(5);
  });
});

describe('scopes', () => {
  const end = at(12);
  const rollup = rollupOf(['isp', 'ip'], FIVE, [
    { t: at(11, 10), key: { isp: 'gmail', ip: '203.0.113.10' }, counts: { deferred: 40, delivered: 960 } },
    { t: at(11, 10), key: { isp: 'yahoo', ip: '203.0.113.10' }, counts: { deferred: 80, delivered: 920 } },
    { t: at(11, 10), key: { isp: 'yahoo', ip: '203.0.113.11' }, counts: { deferred: 0, delivered: 1000 } },
    { t: at(11, 10), key: { isp: 'other', ip: '' }, counts: { complaints: 3 } },
  ]);
  const judge = (...rules: Rule[]) => evaluate({ rollup, bucketSeconds: FIVE, end, rules: set(...rules), limits: null });

  it('judges the total, each value, or one value', () => {
    expect(judge(rateRule('deferral', { scope: { dim: null, value: null } })).map((v) => [v.scope, v.volume])).toEqual([[{}, 3000]]);
    expect(
      judge(rateRule('deferral'))
        .map((v) => v.scope.isp)
        .sort(),
    ).toEqual(['gmail', 'yahoo']);
    expect(judge(rateRule('deferral', { scope: { dim: 'isp', value: 'yahoo' } })).map((v) => [v.scope, v.level, v.volume])).toEqual([
      [{ isp: 'yahoo' }, 'WARN', 2000],
    ]);
    expect(judge(rateRule('deferral', { scope: { dim: 'ip', value: null } })).map((v) => [v.scope.ip, v.level])).toEqual([
      ['203.0.113.10', 'CRIT'],
      ['203.0.113.11', 'OK'],
    ]);
  });
  it('lets a rule for one value replace the rule for each value there (same metric and window)', () => {
    const each = rateRule('deferral');
    const yahoo = rateRule('deferral', { name: 'yahoo-deferral', scope: { dim: 'isp', value: 'yahoo' }, warn: 0.05, crit: 0.1 });
    const other = rateRule('deferral', { name: 'yahoo-2h', scope: { dim: 'isp', value: 'yahoo' }, window: 7200 });
    expect(judge(each, yahoo).map((v) => [v.rule, v.scope.isp, v.level])).toEqual([
      ['deferral', 'gmail', 'WARN'],
      ['yahoo-deferral', 'yahoo', 'OK'],
    ]);
    // a different window is another question: both are judged
    expect(
      judge(each, other)
        .map((v) => v.rule)
        .sort(),
    ).toEqual(['deferral', 'deferral', 'yahoo-2h']);
  });
  it('orders worst first and gives the worst level', () => {
    const vs = judge(rateRule('deferral', { scope: { dim: 'ip', value: null } }), rateRule('deferral'));
    expect(vs.map((v) => [v.level, v.rule, v.scope.ip ?? v.scope.isp])).toEqual([
      ['CRIT', 'deferral', '203.0.113.10'],
      ['WARN', 'deferral', 'yahoo'],
      ['WARN', 'deferral', 'gmail'],
      ['OK', 'deferral', '203.0.113.11'], // bigger first
    ]);
    expect(worstLevel(vs)).toBe('CRIT');
    expect(worstLevel([])).toBe('OK');
  });
});

describe('silence', () => {
  const rule: SilenceRule = {
    name: 'silence',
    metric: 'silence',
    scope: { dim: null, value: null },
    window: 1800,
    level: 'CRIT',
    minVolume: 10,
    hours: null,
    perfdata: true,
    origin: null,
  };
  const judge = (adds: Parameters<typeof rollupOf>[2], end: number, r: SilenceRule = rule) =>
    evaluate({ rollup: rollupOf(['isp'], FIVE, adds), bucketSeconds: FIVE, end, rules: set(r), limits: null });

  it('is CRIT when nothing was delivered for the window while records keep arriving', () => {
    const vs = judge(
      [
        { t: at(11, 0), counts: { delivered: 50 } },
        { t: at(11, 40), counts: { deferred: 9, queueDeferred: 1 } },
      ],
      at(12),
    );
    expect(vs.map((v) => [v.level, v.value, v.volume])).toEqual([['CRIT', 0, 10]]);
    expect(vs[0].message).toBe('nothing delivered for 30m while 10 records arrived (9 deferred, 1 queue deferrals)');
  });
  it('says nothing while too few records arrive to tell', () => {
    expect(judge([{ t: at(11, 40), counts: { deferred: 9 } }], at(12))).toEqual([]);
  });
  it('is OK as soon as one message is delivered in the window', () => {
    const vs = judge(
      [
        { t: at(11, 29, 59), counts: { delivered: 1 } },
        { t: at(11, 40), counts: { deferred: 50 } },
      ],
      at(12),
    );
    expect(vs.map((v) => v.level)).toEqual(['CRIT']); // 11:29:59 is before the window [11:30, 12:00)
    const ok = judge(
      [
        { t: at(11, 30), counts: { delivered: 1 } },
        { t: at(11, 40), counts: { deferred: 50 } },
      ],
      at(12),
    );
    expect(ok.map((v) => [v.level, v.message])).toEqual([['OK', '1 delivered over the last 30m']]);
  });
  it('is CRIT with no record at all in sending hours, OK outside them', () => {
    const old = [{ t: at(8), counts: { delivered: 5 } }];
    expect(judge(old, at(12)).map((v) => [v.level, v.message])).toEqual([['CRIT', 'no records at all for 30m']]);
    const hours = { ...rule, hours: { from: 7 * 60, to: 22 * 60 } };
    expect(judge(old, at(12), hours).map((v) => v.level)).toEqual(['CRIT']);
    expect(judge(old, at(23), hours).map((v) => [v.level, v.message])).toEqual([
      ['OK', 'no records at all for 30m, outside sending hours 07:00-22:00 UTC'],
    ]);
    const night = { ...rule, hours: { from: 22 * 60, to: 6 * 60 } }; // wraps midnight
    expect(judge(old, at(23), night).map((v) => v.level)).toEqual(['CRIT']);
    expect(judge(old, at(12), night).map((v) => v.level)).toEqual(['OK']);
  });
  it('counts feedback-loop reports as a live log, not as sending', () => {
    expect(judge([{ t: at(11, 45), counts: { complaints: 3 } }], at(12))).toEqual([]);
  });
  it('per ISP: only the ISPs that sent, and WARN when the rule says so', () => {
    const perIsp: SilenceRule = { ...rule, scope: { dim: 'isp', value: null }, level: 'WARN' };
    const vs = judge(
      [
        { t: at(11, 45), key: { isp: 'gmail' }, counts: { deferred: 20 } },
        { t: at(11, 45), key: { isp: 'yahoo' }, counts: { delivered: 20 } },
      ],
      at(12),
      perIsp,
    );
    expect(vs.map((v) => [v.level, v.scope.isp])).toEqual([
      ['WARN', 'gmail'],
      ['OK', 'yahoo'],
    ]);
    expect(vs[0].message).toBe('gmail: nothing delivered for 30m while 20 records arrived (20 deferred)');
  });
});

describe('built-in rules', () => {
  it('judge per ISP deferral, total hard bounces, per ISP complaints and silence; msg-rate and capacity need a config', () => {
    const rollup = rollupOf(['isp'], FIVE, [
      { t: at(11, 59), key: { isp: 'gmail' }, counts: { delivered: 2000, deferred: 100, bounced: 30, hardBounced: 30, complaints: 7 } },
    ]);
    const vs = evaluate({ rollup, bucketSeconds: FIVE, end: at(12), rules: BUILT_IN, limits: null });
    expect(vs.map((v) => [v.rule, v.level])).toEqual([
      ['complaint', 'CRIT'],
      ['deferral', 'WARN'],
      ['hard-bounce', 'WARN'],
      ['silence', 'OK'],
    ]);
  });
});

describe('sending IPs against max-msg-rate, and pool capacity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-limits-'));
  writeFileSync(
    join(dir, 'config'),
    [
      '<domain gmail.com>',
      '  max-msg-rate 100/15m',
      '</domain>', // 400/h per queue
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
  const msgRate: MsgRateRule = {
    name: 'msg-rate',
    metric: 'msgRate',
    scope: { dim: 'ip', value: null },
    window: 3600,
    warn: 1,
    crit: 1.5,
    perfdata: false,
    origin: null,
  };
  const capacity: CapacityRule = {
    name: 'capacity',
    metric: 'capacity',
    scope: { dim: 'pool', value: null },
    window: 3600,
    perfdata: true,
    origin: null,
  };
  const judge = (attempts: number, ...rules: Rule[]) => {
    const rollup = rollupOf(['isp', 'ip'], FIVE, [
      { t: at(11, 20), key: { isp: 'gmail', ip: '203.0.113.1' }, counts: { delivered: attempts - 10, deferred: 10, complaints: 99 } },
      { t: at(11, 20), key: { isp: 'gmail', ip: '203.0.113.9' }, counts: { delivered: 5000 } }, // not in the config
    ]);
    return evaluate({ rollup, bucketSeconds: FIVE, end: at(12), rules: set(...rules), limits });
  };

  it('is OK at the limit and below, WARN above it, CRIT above the crit share', () => {
    expect(judge(400, msgRate).map((v) => v.level)).toEqual(['OK']);
    expect(judge(399, msgRate).map((v) => v.level)).toEqual(['OK']);
    const above = judge(401, msgRate)[0];
    expect(above).toMatchObject({
      level: 'WARN',
      scope: { ip: '203.0.113.1', isp: 'gmail' },
      value: 401,
      threshold: 400,
      limit: 400,
      count: 401,
      warn: 400,
      crit: 600,
    });
    expect(above.message).toBe('203.0.113.1 to gmail 401/h over the last 1h > max-msg-rate 400/h (vmta v1, config:2)');
    expect(judge(600, msgRate)[0].level).toBe('WARN');
    expect(judge(601, msgRate)[0]).toMatchObject({ level: 'CRIT', threshold: 600 });
    expect(judge(601, msgRate)[0].message).toBe(
      '203.0.113.1 to gmail 601/h over the last 1h > 600/h (150% of max-msg-rate 400/h) (vmta v1, config:2)',
    );
  });

  it('says nothing without a config', () => {
    const rollup = rollupOf(['isp', 'ip'], FIVE, [
      { t: at(11, 20), key: { isp: 'gmail', ip: '203.0.113.1' }, counts: { delivered: 5000 } },
    ]);
    expect(evaluate({ rollup, bucketSeconds: FIVE, end: at(12), rules: set(msgRate, capacity), limits: null })).toEqual([]);
  });

  it("tells a pool's room per ISP it sends to", () => {
    const [v] = judge(300, capacity);
    expect(v).toMatchObject({ level: 'INFO', scope: { pool: 'p', isp: 'gmail' }, value: 300, limit: 800, threshold: null });
    expect(v.message).toBe('pool p to gmail: 300/h over the last 1h of 800/h at max-msg-rate (2 virtual MTAs), room for 500/h more');
  });
});

describe('an accounting file without deferral records', () => {
  const end = at(12);
  const judge = (extra: Partial<Record<CounterName, number>>) => {
    const rollup = rollupOf(['isp'], FIVE, [
      { t: at(11, 30), key: { isp: 'gmail' }, counts: { delivered: 990, bounced: 10, softBounced: 10, ...extra } },
      { t: at(11, 35), key: { isp: 'yahoo' }, counts: { delivered: 5 } },
    ]);
    return evaluate({
      rollup,
      bucketSeconds: FIVE,
      end,
      rules: set(rateRule('deferral'), rateRule('bounce', { warn: 0.05, crit: 0.1 })),
      limits: null,
    });
  };

  it('(PowerMTA writes d and b only unless told): deferral rules say so instead of judging 0% OK', () => {
    const vs = judge({});
    const deferral = vs.filter((v) => v.metric === 'deferral');
    expect(deferral).toHaveLength(1);
    expect(deferral[0]).toMatchObject({ level: 'INFO', rule: 'deferral', scope: {}, volume: 1005 });
    expect(deferral[0].message).toBe(
      'no deferral records (t, tq) among 1,005 deliveries and bounces: deferral rates are not judged (PowerMTA writes them when the <acct-file> records directive lists t,tq)',
    );
    expect(vs.filter((v) => v.metric === 'bounce').map((v) => v.level)).toEqual(['OK']);
    expect(worstLevel(vs)).toBe('OK');
  });

  it('one t or tq record, or too little volume to tell, and the deferral rules judge as usual', () => {
    expect(
      judge({ queueDeferred: 1 })
        .filter((v) => v.metric === 'deferral')
        .map((v) => [v.level, v.scope.isp]),
    ).toEqual([['OK', 'gmail']]);
    const small = evaluate({
      rollup: rollupOf(['isp'], FIVE, [{ t: at(11, 30), key: { isp: 'gmail' }, counts: { delivered: 500 } }]),
      bucketSeconds: FIVE,
      end,
      rules: set(rateRule('deferral')),
      limits: null,
    });
    expect(small.map((v) => [v.level, v.metric])).toEqual([['OK', 'deferral']]);
  });
});
