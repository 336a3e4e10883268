import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findIncidents, IncidentBuilder } from '../../src/verdict/incidents.js';
import { LevelTracker } from '../../src/verdict/tracker.js';
import type { Level, RateRule, RuleSet, Verdict } from '../../src/verdict/types.js';
import { at, rollupOf, type Add } from '../helpers/rollup.js';

const deferral: RateRule = {
  name: 'deferral',
  metric: 'deferral',
  scope: { dim: 'isp', value: null },
  window: 3600,
  warn: 0.03,
  crit: 0.05,
  minVolume: 100,
  perfdata: true,
  origin: null,
};
const set = (hold = 0): RuleSet => ({ rules: [{ ...deferral, hold }], tz: 'UTC', file: null });

/** Gmail: 100 attempts per 5 minutes all day, `bad` deferred in [from, to), 1 otherwise; yahoo steady at 1%. */
function day(from: number, to: number, bad: number): Add[] {
  const adds: Add[] = [];
  for (let t = at(0); t < at(24); t += 300) {
    const d = t >= from && t < to ? bad : 1;
    adds.push({ t, key: { isp: 'gmail' }, counts: { delivered: 100 - d, deferred: d } });
    adds.push({ t, key: { isp: 'yahoo' }, counts: { delivered: 99, deferred: 1 } });
  }
  return adds;
}

function incidents(adds: Add[], hold = 0) {
  return findIncidents({
    rollup: rollupOf(['isp'], 300, adds),
    bucketSeconds: 300,
    rules: set(hold),
    limits: null,
    from: at(0),
    to: at(24),
    step: 300,
  });
}

describe('incidents over a day', () => {
  it('finds a spike as one incident: from the first window over the threshold to the first back under it, with its worst window', () => {
    const s = incidents(day(at(3), at(5), 10));
    expect(s).toMatchObject({ from: at(0, 5), to: at(24), step: 300, cut: false });
    expect(s.incidents).toHaveLength(1);
    const [i] = s.incidents;
    // the 1h window first holds 3 bad buckets at 03:15 (39 of 1,200 = 3.25% > 3%), and 6 at 03:30 (> 5%);
    // it last holds more than 2 at 05:45 ((2*10+10)/1200 = 2.5% at 05:50)
    expect(i).toMatchObject({
      rule: 'deferral',
      metric: 'deferral',
      scope: { isp: 'gmail' },
      level: 'CRIT',
      start: at(3, 15),
      end: at(5, 50),
      ongoing: false,
      windows: 31,
    });
    expect(i.peak).toMatchObject({
      level: 'CRIT',
      value: 0.1,
      count: 120,
      volume: 1200,
      window: { start: at(3), end: at(4), seconds: 3600 },
    });
    expect(i.peakSpan).toEqual({ start: at(3), end: at(4) });
  });

  it("keeps an incident that has not ended open at the period's end, and reaches only WARN when the rate does", () => {
    // 4% from 22:00: the 1h window holds 9 such buckets at 22:45 ((9*4+3)/1200 = 3.25%)
    const [i] = incidents(day(at(22), at(24), 4)).incidents;
    expect(i).toMatchObject({ level: 'WARN', start: at(22, 45), end: at(24), ongoing: true });
  });

  it('sees nothing in a quiet day, and nothing under the minimum volume', () => {
    expect(incidents(day(0, 0, 1)).incidents).toEqual([]);
    const thin = day(at(3), at(5), 10).map((a) => ({ ...a, counts: { delivered: 7, deferred: 1 } }));
    expect(incidents(thin).incidents).toEqual([]);
  });

  it("splits at a window back at OK, and with the rule's `for` neither opens on a blip nor splits on a dip", () => {
    // two spikes an hour apart: the 1h window is back under 3% for 25 minutes between them
    const two = [...day(at(3), at(5), 10).filter((a) => a.t < at(5, 30)), ...day(at(6), at(8), 10).filter((a) => a.t >= at(5, 30))];
    expect(incidents(two).incidents.map((i) => [i.start, i.end])).toEqual([
      [at(3, 15), at(5, 50)],
      [at(6, 15), at(8, 50)],
    ]);
    expect(incidents(two, 1800).incidents.map((i) => [i.start, i.end])).toEqual([[at(3, 15), at(8, 50)]]);
    // a spike whose bad windows last less than the hold is no incident
    expect(incidents(day(at(3), at(3, 20), 10), 3600).incidents).toEqual([]);
  });
});

/** A verdict of rule `deferral` for one ISP at a level. */
function v(isp: string, level: Level, value: number): Verdict {
  return {
    level,
    rule: 'deferral',
    metric: 'deferral',
    scope: { isp },
    value,
    threshold: 0.03,
    warn: 0.03,
    crit: 0.05,
    count: 1,
    volume: 100,
    limit: null,
    window: { start: 0, end: 0, seconds: 3600 },
    message: `${isp} ${level}`,
  };
}

describe("incidents and tail's alerts agree", () => {
  it('opens each incident where the tracker raises a level and ends it where the tracker says OK (any levels, any hold)', () => {
    const level = fc.constantFrom<Level>('OK', 'OK', 'WARN', 'CRIT');
    fc.assert(
      fc.property(fc.array(fc.tuple(level, level), { minLength: 1, maxLength: 60 }), fc.constantFrom(0, 300, 900), (steps, hold) => {
        const builder = new IncidentBuilder(set(hold));
        const tracker = new LevelTracker(new Map([['deferral', hold]]));
        const changes: { at: number; isp: string; level: Level; previous: Level }[] = [];
        steps.forEach(([a, b], k) => {
          const end = at(0) + 300 * (k + 1);
          const vs = [v('gmail', a, 0.04), v('yahoo', b, 0.06)].filter((x) => x.level !== 'OK');
          builder.step(end, vs);
          for (const c of tracker.update(vs, end))
            changes.push({ at: end, isp: c.verdict.scope.isp, level: c.verdict.level, previous: c.previous });
        });
        const found = builder.finish();
        const raised = changes.filter((c) => c.previous === 'OK');
        const cleared = changes.filter((c) => c.level === 'OK');
        expect(found).toHaveLength(raised.length);
        for (const i of found) {
          const isp = i.scope.isp;
          // raised once the level held for `hold` (at its first window without one), while still bad
          const up = raised.filter((c) => c.isp === isp && c.at >= i.start && (i.ongoing || c.at < i.end));
          expect(up, `${isp} raised in [${i.start}, ${i.end})`).toHaveLength(1);
          if (hold === 0) expect(up[0].at).toBe(i.start);
          // cleared once OK held for `hold` after the end
          if (!i.ongoing)
            expect(
              cleared.filter((c) => c.isp === isp && c.at === i.end + hold),
              `${isp} cleared at ${i.end + hold}`,
            ).toHaveLength(1);
          // the level reached is the worst the tracker announced in between
          const announced = changes.filter((c) => c.isp === isp && c.at >= i.start && (i.ongoing || c.at < i.end) && c.level !== 'OK');
          expect(announced.map((c) => c.level)).toContain(i.level);
          expect(announced.every((c) => c.level === 'WARN' || i.level === 'CRIT')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
