import { describe, expect, it } from 'vitest';
import {
  changeOf,
  compareWith,
  formatChange,
  median,
  medianFigures,
  changeTone,
  figuresOf,
  type PeriodFigures,
} from '../../src/model/compare.js';
import type { GroupRow } from '../../src/model/rows.js';
import { COUNTER_NAMES, ratesOf, type Counts } from '../../src/rollup/counters.js';

function row(key: Record<string, string>, c: Partial<Counts>, p50: number | null = null): GroupRow {
  const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, c[n] ?? 0])) as Counts;
  return { bucket: null, key, counts, rates: ratesOf(counts), latency: { count: p50 === null ? 0 : 1, p50, p90: p50, p99: p50 } };
}

function period(since: number, total: Partial<Counts>, isps: Record<string, Partial<Counts>>): PeriodFigures {
  const byIsp = Object.entries(isps).map(([isp, c]) => row({ isp }, c));
  return { since, until: since + 86400, total: row({}, total, 3), byIsp, byIp: [] };
}

describe('median', () => {
  it('takes the middle value, the mean of the middle two, and ignores unknowns', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 7, null])).toBe(7);
    expect(median([null])).toBeNull();
    expect(median([])).toBeNull();
  });

  it('works figure by figure: a rate is the median of the rates, not the rate of the medians', () => {
    const a = figuresOf(row({}, { delivered: 90, deferred: 10 }));
    const b = figuresOf(row({}, { delivered: 10, deferred: 90 }));
    const c = figuresOf(row({}, { delivered: 50, deferred: 50 }));
    const m = medianFigures([a, b, c]);
    expect(m.delivered).toBe(50);
    expect(m.deferralRate).toBeCloseTo(0.5, 10);
    const skewed = medianFigures([a, a, b]);
    expect(skewed.delivered).toBe(90);
    expect(skewed.deferralRate).toBeCloseTo(0.1, 10);
  });
});

describe('changes', () => {
  it('are relative for counts and latency, in points for rates', () => {
    expect(changeOf('delivered', 110, 100)?.value).toBeCloseTo(0.1, 10);
    expect(formatChange(changeOf('delivered', 110, 100))).toBe('+10.0%');
    expect(formatChange(changeOf('delivered', 50, 100))).toBe('-50.0%');
    expect(formatChange(changeOf('deferralRate', 0.042, 0.03))).toBe('+1.20 pp');
    expect(formatChange(changeOf('latencyP50', 3, 3))).toBe('±0%');
    expect(formatChange(changeOf('bounced', 5, 0))).toBe('new');
    expect(changeOf('bounced', 0, 0)).toBeNull();
    expect(changeOf('complaintRate', 0, 0)).toBeNull();
    expect(formatChange(changeOf('delivered', 300, 100))).toBe('+200%');
    expect(changeOf('deferralRate', null, 0.1)).toBeNull();
    expect(formatChange(null)).toBe('');
  });

  it('say whether a change is good or bad news', () => {
    expect(changeTone('deferralRate', changeOf('deferralRate', 0.05, 0.03))).toBe('bad');
    expect(changeTone('deferralRate', changeOf('deferralRate', 0.01, 0.03))).toBe('good');
    expect(changeTone('delivered', changeOf('delivered', 50, 100))).toBe('bad');
    expect(changeTone('deferred', changeOf('deferred', 50, 100))).toBe('neutral');
    expect(changeTone('latencyP90', changeOf('latencyP90', 50, 10))).toBe('bad');
  });
});

describe('compareWith', () => {
  it('previous: the baseline is that period', () => {
    const p = period(0, { delivered: 100, deferred: 5 }, { gmail: { delivered: 60 } });
    const c = compareWith('previous', { since: 86400, until: 2 * 86400, days: 1 }, [{ since: 0, until: 86400, found: true }], [p], 'test');
    expect(c.total?.delivered).toBe(100);
    expect(c.total?.latencyP50).toBe(3);
    expect(c.isp.get('gmail')?.delivered).toBe(60);
  });

  it('7d: an ISP missing from a day counts as zero messages that day, and nothing found gives no baseline', () => {
    const days = [10, 20, 30].map((n, i) => period(i * 86400, { delivered: n }, i === 0 ? {} : { yahoo: { delivered: n } }));
    const c = compareWith('7d', { since: 0, until: 86400, days: 1 }, [], days, 'test');
    expect(c.total?.delivered).toBe(20);
    expect(c.isp.get('yahoo')?.delivered).toBe(20);
    expect(c.isp.get('yahoo')?.deferralRate).toBe(0);
    const none = compareWith('7d', { since: 0, until: 86400, days: 1 }, [], [], 'test');
    expect(none.total).toBeNull();
    expect(none.isp.size).toBe(0);
  });

  it('takes the incidents of the periods that know theirs (the median for 7d), and none when none does', () => {
    const days = [3, null, 1, 0, undefined].map((n, i) => ({ ...period(i * 86400, { delivered: 1 }, {}), incidents: n }));
    expect(compareWith('7d', { since: 0, until: 86400, days: 1 }, [], days, 'test').incidents).toBe(1);
    expect(compareWith('previous', { since: 0, until: 86400, days: 1 }, [], days.slice(1, 2), 'test').incidents).toBeNull();
    expect(compareWith('7d', { since: 0, until: 86400, days: 1 }, [], [], 'test').incidents).toBeNull();
  });
});
