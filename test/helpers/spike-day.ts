import type { AcctRow } from './acct.js';

/** Local midnight of 2026-11-28 in Paris (UTC+1). */
export const PARIS_DAY = Date.UTC(2026, 10, 27, 23) / 1000;

export interface Spike {
  /** Recipient domain. */
  readonly domain: string;
  /** Seconds after the day's start, [from, to). */
  readonly from: number;
  readonly to: number;
  /** Deferred of every 100 attempts. */
  readonly deferred: number;
}

/**
 * A day of 100 attempts per domain per 5 minutes, 3 s apart, the first 1 of each 100 deferred,
 * or `deferred` of them during a spike. Rows in time order.
 */
export function spikeDay(spikes: readonly Spike[], domains: readonly string[] = ['gmail.com', 'yahoo.com'], day = PARIS_DAY): AcctRow[] {
  const rows: AcctRow[] = [];
  for (let s = 0; s < 86400; s += 300) {
    for (let i = 0; i < 100; i++) {
      for (const domain of domains) {
        const spike = spikes.find((x) => x.domain === domain && s >= x.from && s < x.to);
        const deferred = spike?.deferred ?? 1;
        rows.push({ type: i < deferred ? 't' : 'd', t: day + s + i * 3, rcpt: `u${i}@${domain}`, ip: '203.0.113.5', vmta: 'v1' });
      }
    }
  }
  return rows;
}
