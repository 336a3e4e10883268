import { describe, expect, it } from 'vitest';
import { LevelTracker } from '../../src/verdict/tracker.js';
import type { Level, Verdict } from '../../src/verdict/types.js';

function verdict(level: Level, isp: string, rule = 'deferral'): Verdict {
  return {
    level,
    rule,
    metric: 'deferral',
    scope: { isp },
    value: 0.04,
    threshold: 0.03,
    warn: 0.03,
    crit: 0.05,
    count: 4,
    volume: 100,
    limit: null,
    window: { start: 0, end: 3600, seconds: 3600 },
    message: `${isp} ${level}`,
  };
}

describe('level changes', () => {
  it('with a hold, announces a level only once it held that long, and never one that flapped', () => {
    const t = new LevelTracker(new Map([['deferral', 600]]));
    const at = (now: number, ...vs: Verdict[]) => t.update(vs, now).map((c) => [c.previous, c.verdict.level, c.verdict.scope.isp]);
    // flapping around the threshold every few minutes: nothing
    expect(at(0, verdict('WARN', 'gmail'))).toEqual([]);
    expect(at(300, verdict('OK', 'gmail'))).toEqual([]);
    expect(at(400, verdict('WARN', 'gmail'))).toEqual([]);
    expect(at(900, verdict('WARN', 'gmail'))).toEqual([]);
    // held 10 minutes since 400: announced once
    expect(at(1000, verdict('WARN', 'gmail'))).toEqual([['OK', 'WARN', 'gmail']]);
    expect(at(1100, verdict('WARN', 'gmail'))).toEqual([]);
    // an escalation holds too; a rule without a hold announces at once
    expect(at(1200, verdict('CRIT', 'gmail'), verdict('WARN', 'gmail', 'bounce'))).toEqual([['OK', 'WARN', 'gmail']]);
    expect(at(1800, verdict('CRIT', 'gmail'), verdict('WARN', 'gmail', 'bounce'))).toEqual([['WARN', 'CRIT', 'gmail']]);
    // recovery, including "no longer judged", holds as well
    expect(at(1900, verdict('WARN', 'gmail', 'bounce'))).toEqual([]);
    expect(at(2499, verdict('WARN', 'gmail', 'bounce'))).toEqual([]);
    expect(at(2500, verdict('WARN', 'gmail', 'bounce'))).toEqual([['CRIT', 'OK', 'gmail']]);
    expect(t.active.map((v) => v.rule)).toEqual(['bounce']);
  });

  it('reports a problem present at start, then only changes, then recoveries', () => {
    const t = new LevelTracker();
    const step = (...vs: Verdict[]) => t.update(vs).map((c) => [c.previous, c.verdict.level, c.verdict.scope.isp]);
    expect(step(verdict('WARN', 'gmail'), verdict('OK', 'yahoo'))).toEqual([['OK', 'WARN', 'gmail']]);
    expect(step(verdict('WARN', 'gmail'), verdict('OK', 'yahoo'))).toEqual([]);
    expect(step(verdict('CRIT', 'gmail'), verdict('WARN', 'yahoo'))).toEqual([
      ['WARN', 'CRIT', 'gmail'],
      ['OK', 'WARN', 'yahoo'],
    ]);
    expect(t.active.map((v) => v.scope.isp).sort()).toEqual(['gmail', 'yahoo']);
    expect(step(verdict('OK', 'gmail'), verdict('WARN', 'yahoo'))).toEqual([['CRIT', 'OK', 'gmail']]);
    // yahoo is no longer judged (below its minimum volume): back to OK, said so
    const gone = t.update([verdict('OK', 'gmail')]);
    expect(gone.map((c) => [c.previous, c.verdict.level, c.verdict.message])).toEqual([
      ['WARN', 'OK', 'yahoo deferral: back to OK (no longer enough volume to judge)'],
    ]);
    expect(t.update([])).toEqual([]);
  });

  it('tells rules and scopes apart and never alerts on INFO', () => {
    const t = new LevelTracker();
    expect(t.update([verdict('WARN', 'gmail', 'a'), verdict('WARN', 'gmail', 'b'), verdict('INFO', 'gmail', 'capacity')])).toHaveLength(2);
    expect(t.update([verdict('WARN', 'gmail', 'a'), verdict('INFO', 'gmail', 'capacity')]).map((c) => c.verdict.rule)).toEqual(['b']);
  });
});
