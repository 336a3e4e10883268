/**
 * PowerMTA rate values (User's Guide §3.3.10, `max-msg-rate`): `unlimited`, `0`, or
 * `N/[M]{d|day|h|hr|m|min|s|sec}` such as `800/h`, `100/15m`, `83/5s`, `20000/day`. The guide
 * lists `0` beside `unlimited` without saying what it means; read here as unlimited, as `0` means
 * for `max-msg-per-connection`.
 */
import { formatCount } from '../util/numbers.js';

const RATE =
  /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)?\s*(d|day|days|h|hr|hour|hours|m|min|mins|minute|minutes|s|sec|secs|second|seconds)$/i;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  d: 86400,
  day: 86400,
  days: 86400,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
};

/** Messages per hour a rate allows; Infinity for unlimited; NaN when the text is not a rate. */
export function ratePerHour(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'unlimited' || t === '0') return Number.POSITIVE_INFINITY;
  const m = RATE.exec(t);
  if (m === null) return Number.NaN;
  const count = Number(m[1]);
  const seconds = Number(m[2] ?? 1) * UNIT_SECONDS[m[3]];
  if (seconds <= 0) return Number.NaN;
  return (count * 3600) / seconds;
}

/** 800 → '800/h', 1.5 → '1.5/h'. */
export function formatPerHour(perHour: number): string {
  if (!Number.isFinite(perHour)) return 'unlimited';
  const rounded = perHour >= 100 ? Math.round(perHour) : Math.round(perHour * 10) / 10;
  return `${formatCount(rounded)}/h`;
}
