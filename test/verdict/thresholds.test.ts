import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from '../../src/verdict/defaults.js';
import { rateLevel, ruleForRow, rowRateLevel } from '../../src/verdict/thresholds.js';
import type { RateRule, Rule } from '../../src/verdict/types.js';

const rule = (name: string, scope: RateRule['scope'], warn: number): RateRule => ({
  name,
  metric: 'deferral',
  scope,
  window: 3600,
  warn,
  crit: null,
  minVolume: 100,
  perfdata: true,
  origin: null,
});

describe('the rule a table row is highlighted by', () => {
  const rules: Rule[] = [
    rule('each-isp', { dim: 'isp', value: null }, 0.03),
    rule('yahoo', { dim: 'isp', value: 'yahoo' }, 0.1),
    rule('total', { dim: null, value: null }, 0.2),
  ];

  it("prefers the row's own value, then its dimension, then the total", () => {
    expect(ruleForRow(rules, 'deferral', { isp: 'yahoo' })?.name).toBe('yahoo');
    expect(ruleForRow(rules, 'deferral', { isp: 'gmail' })?.name).toBe('each-isp');
    expect(ruleForRow(rules, 'deferral', { isp: 'yahoo', ip: '203.0.113.1' })?.name).toBe('yahoo');
    expect(ruleForRow(rules, 'deferral', { ip: '203.0.113.1' })?.name).toBe('total');
    expect(ruleForRow(rules, 'deferral', {})?.name).toBe('total');
    expect(ruleForRow(rules, 'complaint', {})).toBeNull();
  });

  it("falls back to the metric's rule for each value when nothing fits better (per-IP rows, built-in rules)", () => {
    expect(ruleForRow(BUILT_IN_RULES, 'deferral', { ip: '203.0.113.1' })?.name).toBe('deferral');
    expect(ruleForRow(BUILT_IN_RULES, 'hardBounce', { isp: 'gmail' })?.name).toBe('hard-bounce');
  });

  it("says nothing below the rule's minimum volume, and nothing exactly at a threshold", () => {
    const counts = (deferred: number, delivered: number) => ({
      delivered,
      deferred,
      queueDeferred: 0,
      bounced: 0,
      hardBounced: 0,
      softBounced: 0,
      complaints: 0,
      remoteBounced: 0,
      remoteStatus: 0,
      received: 0,
      deliveredBytes: 0,
    });
    expect(rowRateLevel(rules, 'deferral', { isp: 'gmail' }, counts(50, 49))).toBe('OK');
    expect(rowRateLevel(rules, 'deferral', { isp: 'gmail' }, counts(3, 97))).toBe('OK');
    expect(rowRateLevel(rules, 'deferral', { isp: 'gmail' }, counts(4, 96))).toBe('WARN');
    expect(rateLevel(3, 100, 0.03, null)).toBe('OK');
    expect(rateLevel(4, 1000, 0.001, 0.003)).toBe('CRIT');
  });
});
