/**
 * Remote SMTP replies: the building blocks of dsnStatus / dsnDiag / bounceCat. Each reply is a template with
 * variable parts (IPs, queue ids, timestamps), so a day has many distinct strings that collapse to a few
 * templates, as in real logs.
 */
import type { Clock } from './clock.js';
import { csvCell } from './csv.js';
import { type Rng, type Weighted, weighted } from './prng.js';

/** What a reply template may interpolate. One mutable object per generator, refilled per row (no allocation). */
export interface ReplyCtx {
  readonly rng: Rng;
  readonly clock: Clock;
  rcpt: string;
  domain: string;
  /** Our source IP (providers quote it in throttling replies). */
  srcIp: string;
  epoch: number;
  size: number;
  /** Host part of our Message-IDs. */
  msgIdHost: string;
}

export interface Reply {
  /** dsnStatus, already CSV-encoded (some descriptions contain a comma). */
  readonly status: string;
  /** bounceCat as PowerMTA's default bounce-category-patterns would assign it to this text. */
  readonly cat: string;
  /** Reply text after `smtp;` (CSV encoding is applied by the row writer). */
  readonly text: (c: ReplyCtx) => string;
}

/** The replies of one kind of receiving system, by outcome. */
export interface ReplySet {
  readonly ok: Weighted<Reply>;
  /** 4xx on an attempt (t records). */
  readonly defer: Weighted<Reply>;
  /** Permanent recipient failures (bad-mailbox, inactive-mailbox). */
  readonly hard: Weighted<Reply>;
  /** Permanent blocks and other soft bounces (policy, spam, quota). */
  readonly soft: Weighted<Reply>;
  /** Queue-level failures (tq records). */
  readonly queue: Weighted<Reply>;
  /** Asynchronous DSNs (rb records), for systems that accept first and bounce later. */
  readonly remote: Weighted<Reply> | null;
}

/** Descriptions PowerMTA prints after the enhanced code (RFC 3463 wording, lower case, as in the manual's samples). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '2.0.0': 'success',
  '4.0.0': 'undefined status',
  '5.0.0': 'undefined status',
  '1.1': 'bad destination mailbox address',
  '1.2': 'bad destination system: no such domain',
  '2.1': 'mailbox disabled, not accepting messages',
  '2.2': 'mailbox full',
  '3.0': 'other or undefined mail system status',
  '3.2': 'system not accepting network messages',
  '4.1': 'no answer from host',
  '4.2': 'bad connection',
  '4.7': 'delivery time expired',
  '5.0': 'other or undefined protocol status',
  '7.0': 'other or undefined security status',
  '7.1': 'delivery not authorized',
};
const SUBJECTS = ['other', 'address', 'mailbox', 'mail system', 'network', 'protocol', 'content', 'security'];

/** `4.7.28` → `4.7.28 (unknown security-related status)`; unknown details follow the form seen in a 2023 record. */
export function dsnStatus(code: string): string {
  const [, subject, detail] = code.split('.');
  const text = DESCRIPTIONS[code] ?? DESCRIPTIONS[`${subject}.${detail}`] ?? `unknown ${SUBJECTS[Number(subject)]}-related status`;
  return csvCell(`${code} (${text})`);
}

export function reply(code: string, cat: string, text: (c: ReplyCtx) => string): Reply {
  return { status: dsnStatus(code), cat, text };
}

/** Shorthand for a weighted reply list. */
export function replies(...pairs: (readonly [Reply, number])[]): Weighted<Reply> {
  return weighted(pairs);
}

/** Expired messages: PowerMTA gives up after bounce-after and quotes the last transient error. */
export const EXPIRED_STATUS = dsnStatus('4.4.7');
export const EXPIRED_CAT = 'message-expired';
/** Recipient domain without MX/A (typo domains); PowerMTA bounces without contacting anyone. */
export const NO_SUCH_DOMAIN = reply('5.1.2', 'bad-domain', (c) => `550 5.1.2 ${c.domain}: no such domain (DNS lookup returned NXDOMAIN)`);
