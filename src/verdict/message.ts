/** The one-line human message of a verdict, built from its numbers. */
import { formatPerHour } from '../pmta-config/rate.js';
import { formatCount, formatPercent, formatWindow } from '../util/numbers.js';
import type { Level, Metric } from './types.js';

export const METRIC_WORDS: Readonly<Record<Metric, string>> = {
  deferral: 'deferral',
  bounce: 'bounce',
  hardBounce: 'hard bounce',
  complaint: 'complaint',
  silence: 'silence',
  msgRate: 'rate',
  capacity: 'capacity',
};

/** '' for the total, 'gmail', 'ip 203.0.113.7', 'vmta gm-05', 'pool pool-gmail', '203.0.113.7 to gmail'. */
export function scopeLabel(scope: Readonly<Record<string, string>>): string {
  const { isp, ip, vmta, pool } = scope;
  if (ip !== undefined && isp !== undefined) return `${ip} to ${isp}`;
  if (pool !== undefined && isp !== undefined) return `pool ${pool} to ${isp}`;
  if (isp !== undefined) return isp;
  if (ip !== undefined) return `ip ${ip}`;
  if (vmta !== undefined) return `vmta ${vmta}`;
  if (pool !== undefined) return `pool ${pool}`;
  return '';
}

function prefixed(scope: Readonly<Record<string, string>>, text: string): string {
  const label = scopeLabel(scope);
  return label === '' ? text : `${label} ${text}`;
}

function compare(level: Level): string {
  return level === 'OK' ? '<=' : '>';
}

export function rateMessage(m: {
  scope: Readonly<Record<string, string>>;
  metric: Metric;
  level: Level;
  value: number;
  count: number;
  volume: number;
  window: number;
  threshold: number;
}): string {
  return prefixed(
    m.scope,
    `${METRIC_WORDS[m.metric]} ${formatPercent(m.value)} (${formatCount(m.count)} of ${formatCount(m.volume)}) over the last ${formatWindow(m.window)} ${compare(m.level)} ${formatPercent(m.threshold)}`,
  );
}

export function msgRateMessage(m: {
  scope: Readonly<Record<string, string>>;
  level: Level;
  perHour: number;
  window: number;
  limit: number;
  warn: number;
  threshold: number;
  vmtas: readonly string[];
  places: readonly string[];
}): string {
  const limit = `max-msg-rate ${formatPerHour(m.limit)}`;
  const against = m.threshold === m.limit ? limit : `${formatPerHour(m.threshold)} (${formatPercent(m.threshold / m.limit)} of ${limit})`;
  const where = [...m.vmtas.map((v) => `vmta ${v}`), ...m.places].join(', ');
  return prefixed(
    m.scope,
    `${formatPerHour(m.perHour)} over the last ${formatWindow(m.window)} ${compare(m.level)} ${against}${where === '' ? '' : ` (${where})`}`,
  );
}

export function capacityMessage(m: {
  scope: Readonly<Record<string, string>>;
  perHour: number;
  limit: number;
  vmtas: number;
  window: number;
}): string {
  const room = Math.max(0, m.limit - m.perHour);
  return `${scopeLabel(m.scope)}: ${formatPerHour(m.perHour)} over the last ${formatWindow(m.window)} of ${formatPerHour(m.limit)} at max-msg-rate (${formatCount(m.vmtas)} virtual MTAs), room for ${formatPerHour(room)} more`;
}

export function silenceMessage(m: {
  scope: Readonly<Record<string, string>>;
  delivered: number;
  records: number;
  any: number;
  deferred: number;
  bounced: number;
  queueDeferred: number;
  window: number;
  hours: string | null;
  inHours: boolean;
}): string {
  const w = formatWindow(m.window);
  const at = (text: string) => (scopeLabel(m.scope) === '' ? text : `${scopeLabel(m.scope)}: ${text}`);
  if (m.delivered > 0) return at(`${formatCount(m.delivered)} delivered over the last ${w}`);
  if (m.any === 0) {
    const hours = m.hours === null ? '' : m.inHours ? ` (sending hours ${m.hours})` : `, outside sending hours ${m.hours}`;
    return at(`no records at all for ${w}${hours}`);
  }
  const parts = [
    m.deferred > 0 ? `${formatCount(m.deferred)} deferred` : '',
    m.bounced > 0 ? `${formatCount(m.bounced)} bounced` : '',
    m.queueDeferred > 0 ? `${formatCount(m.queueDeferred)} queue deferrals` : '',
  ].filter((p) => p !== '');
  return at(`nothing delivered for ${w} while ${formatCount(m.records)} records arrived (${parts.join(', ')})`);
}

/** The deferral rules' note when the accounting file holds no t or tq records at all. */
export function noDeferralsMessage(volume: number): string {
  return `no deferral records (t, tq) among ${formatCount(volume)} deliveries and bounces: deferral rates are not judged (PowerMTA writes them when the <acct-file> records directive lists t,tq)`;
}
