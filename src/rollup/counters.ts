/**
 * The fixed shape of every group's numbers: one Float64Array row per group (exact integers up to
 * 2^53, so delivered bytes of a year fit), indexed by these constants.
 */
export const DELIVERED = 0;
export const DEFERRED = 1;
export const QUEUE_DEFERRED = 2;
export const BOUNCED = 3;
export const HARD_BOUNCED = 4;
export const SOFT_BOUNCED = 5;
export const COMPLAINTS = 6;
export const REMOTE_BOUNCED = 7;
export const REMOTE_STATUS = 8;
export const RECEIVED = 9;
export const DELIVERED_BYTES = 10;
export const STRIDE = 11;

/** JSON names, in the order of the indexes above. */
export const COUNTER_NAMES = [
  'delivered',
  'deferred',
  'queueDeferred',
  'bounced',
  'hardBounced',
  'softBounced',
  'complaints',
  'remoteBounced',
  'remoteStatus',
  'received',
  'deliveredBytes',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counts = Record<CounterName, number>;

export interface Rates {
  /** deferred / (delivered + bounced + deferred) */
  readonly deferral: number | null;
  /** bounced / (delivered + bounced) */
  readonly bounce: number | null;
  /** hardBounced / (delivered + bounced) */
  readonly hardBounce: number | null;
  /** complaints / delivered */
  readonly complaint: number | null;
}

/**
 * The counters of row `at` as an object, in COUNTER_NAMES order. Written out as one literal: every
 * report row and every verdict window makes one, mostly in code that runs once, where an object
 * grown a property at a time costs several times more.
 */
export function countsOf(row: Float64Array, at = 0): Counts {
  return {
    delivered: row[at + DELIVERED],
    deferred: row[at + DEFERRED],
    queueDeferred: row[at + QUEUE_DEFERRED],
    bounced: row[at + BOUNCED],
    hardBounced: row[at + HARD_BOUNCED],
    softBounced: row[at + SOFT_BOUNCED],
    complaints: row[at + COMPLAINTS],
    remoteBounced: row[at + REMOTE_BOUNCED],
    remoteStatus: row[at + REMOTE_STATUS],
    received: row[at + RECEIVED],
    deliveredBytes: row[at + DELIVERED_BYTES],
  };
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

export const RATE_NAMES = ['deferral', 'bounce', 'hardBounce', 'complaint'] as const;
export type RateName = (typeof RATE_NAMES)[number];

/** Numerator of a rate: the one definition of every rate (tables and verdicts), with rateDenominator. */
export function rateNumerator(name: RateName, c: Counts): number {
  switch (name) {
    case 'deferral':
      return c.deferred;
    case 'bounce':
      return c.bounced;
    case 'hardBounce':
      return c.hardBounced;
    case 'complaint':
      return c.complaints;
  }
}

export function rateDenominator(name: RateName, c: Counts): number {
  switch (name) {
    case 'deferral':
      return c.delivered + c.bounced + c.deferred;
    case 'bounce':
    case 'hardBounce':
      return c.delivered + c.bounced;
    case 'complaint':
      return c.delivered;
  }
}

/** Numerator and denominator of a rate. */
export function rateParts(name: RateName, c: Counts): readonly [num: number, den: number] {
  return [rateNumerator(name, c), rateDenominator(name, c)];
}

/** The four rates of a row (every report row makes one): no closure and no pair per rate. */
export function ratesOf(c: Counts): Rates {
  return {
    deferral: ratio(rateNumerator('deferral', c), rateDenominator('deferral', c)),
    bounce: ratio(rateNumerator('bounce', c), rateDenominator('bounce', c)),
    hardBounce: ratio(rateNumerator('hardBounce', c), rateDenominator('hardBounce', c)),
    complaint: ratio(rateNumerator('complaint', c), rateDenominator('complaint', c)),
  };
}

/** Records of every kind in a group. */
export function recordsOf(c: Counts): number {
  return c.delivered + c.deferred + c.queueDeferred + c.bounced + c.complaints + c.remoteBounced + c.remoteStatus + c.received;
}

/** recordsOf of the counters at `at` of a row, read where they are (no Counts object for a group that is only ordered). */
export function recordsAt(row: Float64Array, at: number): number {
  return (
    row[at + DELIVERED] +
    row[at + DEFERRED] +
    row[at + QUEUE_DEFERRED] +
    row[at + BOUNCED] +
    row[at + COMPLAINTS] +
    row[at + REMOTE_BOUNCED] +
    row[at + REMOTE_STATUS] +
    row[at + RECEIVED]
  );
}

/**
 * Sending activity: what a silence rule's "records keep arriving" counts (deliveries, bounces and
 * both kinds of deferral).
 */
export function sendingOf(c: Counts): number {
  return c.delivered + c.bounced + c.deferred + c.queueDeferred;
}

/** Attempts: what PowerMTA's max-msg-rate limits (deliveries, bounces and deferrals). */
export function attemptsOf(c: Counts): number {
  return c.delivered + c.bounced + c.deferred;
}

/**
 * The counters a verdict can read: every one the rates (rateParts), records (recordsOf), sending
 * activity (sendingOf) and attempts (attemptsOf) add, and the silence and no-deferrals messages
 * quote; not the soft bounces or the delivered bytes. A read that only feeds verdicts (the fleet's
 * bands and incidents' series) sums these and leaves the others at 0 (test/verdict: verdicts do
 * not change with the others).
 */
export const JUDGED_COUNTERS: readonly CounterName[] = COUNTER_NAMES.filter((n) => n !== 'softBounced' && n !== 'deliveredBytes');
