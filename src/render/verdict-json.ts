/**
 * A verdict as JSON, the same everywhere (report `verdicts`, `check --format json`, alert
 * payloads). Rates are fractions like the report's `rates`; per-hour values are rounded to 0.01.
 */
import type { Verdict } from '../verdict/types.js';
import { isoTime } from './format.js';

function round(x: number | null, digits: number): number | null {
  if (x === null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function verdictJson(v: Verdict, tz: string): Record<string, unknown> {
  const digits = v.metric === 'msgRate' || v.metric === 'capacity' ? 2 : 6;
  return {
    level: v.level,
    rule: v.rule,
    metric: v.metric,
    scope: v.scope,
    value: round(v.value, digits),
    threshold: round(v.threshold, digits),
    warn: round(v.warn, digits),
    crit: round(v.crit, digits),
    count: v.count,
    volume: v.volume,
    limit: round(v.limit, 2),
    window: { start: isoTime(v.window.start, tz), end: isoTime(v.window.end, tz), seconds: v.window.seconds },
    message: v.message,
  };
}
