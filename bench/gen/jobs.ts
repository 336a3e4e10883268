/**
 * The sender: one retailer on the Saturday after Black Friday, five marketing campaigns sent in bursts
 * plus a steady transactional stream. Volume shares and per-job rates are the knobs the forensic
 * examples rely on: cmp-<date>-03 is the bad list (hard bounces, complaints).
 */
import { csvCell } from './csv.js';
import type { Rng } from './prng.js';

const SENDER_DOMAIN = 'example-sender.com';
const CAMPAIGN_HOST = `news.${SENDER_DOMAIN}`;
const TX_HOST = `mail.${SENDER_DOMAIN}`;

export interface Job {
  readonly id: string;
  readonly campaign: boolean;
  /** Host part of the VERP bounce address (orig). */
  readonly origHost: string;
  readonly srcType: 'api' | 'smtp';
  /** `HELO (ip)` of the injecting MTA; campaigns come from the local API, transactional mail from app servers. */
  readonly srcMtas: readonly string[];
  /** Probability that an attempt is a hard bounce (list quality). */
  readonly hardRate: number;
  /** Multipliers on the destination's complaint / remote-bounce / deferral rates. */
  readonly complaintMult: number;
  readonly remoteBounceMult: number;
  readonly deferMult: number;
  /** `bounce-after` of the queue the job uses, for message-expired bounces. */
  readonly bounceAfter: number;
  /** Message size: campaigns are near-identical copies of one template, transactional mail varies widely. */
  readonly sizeMedian: number;
  readonly sizeSigma: number;
  /** DSN ENVID set by the application (transactional only). */
  readonly envId: boolean;
  /** Pre-encoded CSV cells for f records. */
  readonly fromCell: string;
  readonly subjectCell: string;
}

export interface CampaignBurst {
  readonly job: Job;
  /** Local minute of the day the send starts. */
  readonly startMinute: number;
  /** Minutes to peak rate; the tail decays with the same constant (throttled delivery, retries). */
  readonly tau: number;
  /** Share of the day's rows. */
  readonly share: number;
}

const CAMPAIGN_FROM = csvCell(`"Example Store" <news@${CAMPAIGN_HOST}>`);
const TX_FROM = csvCell(`"Example Store" <no-reply@${TX_HOST}>`);

/** RFC 2047 encoded subject, as it appears in the original headers quoted by a feedback report. */
function mimeEncoded(subject: string): string {
  return `=?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`;
}

function campaign(
  date: string,
  n: number,
  hardRate: number,
  complaintMult: number,
  remoteBounceMult: number,
  subject: string,
  sizeMedian: number,
): Job {
  return {
    id: `cmp-${date}-${String(n).padStart(2, '0')}`,
    campaign: true,
    origHost: CAMPAIGN_HOST,
    srcType: 'api',
    srcMtas: ['pmta1 (127.0.0.1)'],
    hardRate,
    complaintMult,
    remoteBounceMult,
    // Bulk queues run at their max-msg-rate, so they meet more throttling than transactional mail.
    deferMult: 1.15,
    bounceAfter: 2 * 86_400,
    sizeMedian,
    sizeSigma: 0.04,
    envId: false,
    fromCell: CAMPAIGN_FROM,
    subjectCell: csvCell(subject),
  };
}

/** Application servers HELO with their bare host names, as most app frameworks do. */
const APP_SERVERS = [1, 2, 3, 4, 5, 6].map((i) => `app${i} (10.20.0.${10 + i})`);

function transactional(id: string, subject: string, sizeMedian: number): Job {
  return {
    id,
    campaign: false,
    origHost: TX_HOST,
    srcType: 'smtp',
    srcMtas: APP_SERVERS,
    hardRate: 0.003,
    complaintMult: 0.3,
    remoteBounceMult: 0.6,
    deferMult: 0.55,
    bounceAfter: 4 * 86_400 + 12 * 3600,
    sizeMedian,
    sizeSigma: 0.9,
    envId: true,
    fromCell: TX_FROM,
    subjectCell: csvCell(subject),
  };
}

/** The day's campaigns, keyed on the compact date so job ids follow the generated day. */
export function campaignsFor(compactDate: string): readonly CampaignBurst[] {
  return [
    // 08:00 in Central Europe: the EU edition goes out at night local time; the Gmail incident happens under it.
    {
      job: campaign(compactDate, 1, 0.006, 0.8, 1, "Black Friday Weekend : jusqu'à -40 % sur tout le site", 41_730),
      startMinute: 2 * 60,
      tau: 35,
      share: 0.11,
    },
    {
      job: campaign(compactDate, 2, 0.006, 1, 1, 'Small Business Saturday, today only: 30% off + free shipping', 52_118),
      startMinute: 7 * 60,
      tau: 50,
      share: 0.2,
    },
    // The bad list: an old re-engagement segment, many dead addresses and complaints.
    {
      job: campaign(compactDate, 3, 0.022, 2.2, 2.5, "We miss you! Here's 20% off, just for you", 28_904),
      startMinute: 11 * 60 + 30,
      tau: 40,
      share: 0.1,
    },
    {
      job: campaign(compactDate, 4, 0.006, 1, 1, 'Your "Black Friday" picks are back in stock', 63_377),
      startMinute: 16 * 60,
      tau: 45,
      share: 0.16,
    },
    {
      job: campaign(compactDate, 5, 0.006, 1, 1, mimeEncoded('🎁 Last hours: Black Friday weekend deals'), 47_052),
      startMinute: 19 * 60 + 30,
      tau: 55,
      share: 0.18,
    },
  ];
}

/** Transactional jobs with their share of the transactional stream. */
export const TRANSACTIONAL: readonly (readonly [Job, number])[] = [
  [transactional('tx-orders', 'Your order confirmation', 14_000), 0.4],
  [transactional('tx-shipping', 'Your package is on its way', 11_000), 0.35],
  [transactional('tx-password', 'Reset your password', 6_000), 0.15],
  [transactional('tx-alerts', 'Security alert: new sign-in to your account', 7_500), 0.1],
];

/** Share of the day's rows that is transactional (the rest is campaigns). */
export const TRANSACTIONAL_SHARE = 0.25;

/** Message size in bytes, log-normal around the job's median, clamped to 2 KB-200 KB. */
export function messageSize(job: Job, rng: Rng): number {
  const size = Math.round(job.sizeMedian * Math.exp(job.sizeSigma * rng.normal()));
  return Math.min(204_800, Math.max(2_048, size));
}
