/**
 * Replies of the three big mailbox providers, modelled on the shapes they document publicly
 * (Google's SMTP error reference, Microsoft's postmaster/EOP NDR pages, Yahoo's error-codes page); wording is ours.
 * Multi-line replies are flattened to one line, continuation prefixes dropped, as PowerMTA logs them.
 */
import { ALNUM, type Rng, anyOf } from './prng.js';
import { type ReplyCtx, type ReplySet, replies, reply } from './reply.js';

// ---- Google (gmail.com and Google Workspace domains) ----

const GOOGLE_HOSTS = [
  'd2e1a72fcca58',
  'a640c23a62f3a',
  'd9443c01a7336',
  '5b1f17b1804b1',
  '98e67ed59e1d1',
  'af79cd13be357',
  '41be03b00d2f7',
];
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** The per-transaction id Google appends before `- gsmtp`. */
function gsmtp(r: Rng): string {
  if (r.chance(0.8)) return `${anyOf(GOOGLE_HOSTS, r)}-${r.hex(11)}si${r.digits(7)}${r.chars(ALNUM, 3)}.${r.range(1, 600)} - gsmtp`;
  return `${r.chars(LOWER, 1)}${r.range(1, 999)}si${r.digits(8)}${r.chars(LOWER, 3)}.${r.range(1, 600)} - gsmtp`;
}

/** Google pads the client IP in a fixed-width bracket: `[203.0.113.14      15]`. */
function gip(c: ReplyCtx): string {
  return `[${c.srcIp.padEnd(15)}   ${anyOf(['12', '15', '19', '20'], c.rng)}]`;
}

/** 421 4.7.28: the IP-rate deferral of the 02:00-04:00 incident. */
export const GOOGLE_RATE_LIMITED = reply(
  '4.7.28',
  'spam-related',
  (c) =>
    `421 4.7.28 ${gip(c)} Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. ${gsmtp(c.rng)}`,
);

/** 550 5.7.1: message-level block, seen on the incident IP. */
export const GOOGLE_UNSOLICITED = reply(
  '5.7.1',
  'spam-related',
  (c) =>
    `550 5.7.1 ${gip(c)} Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. For more information, go to https://support.google.com/mail/?p=UnsolicitedMessageError ${gsmtp(c.rng)}`,
);

export const GOOGLE: ReplySet = {
  ok: replies([reply('2.0.0', '', (c) => `250 2.0.0 OK  ${c.epoch} ${gsmtp(c.rng)}`), 1]),
  defer: replies(
    [GOOGLE_RATE_LIMITED, 35],
    [reply('4.3.0', 'other', (c) => `421 4.3.0 Temporary System Problem.  Try again later (10). ${gsmtp(c.rng)}`), 30],
    [
      reply(
        '4.2.2',
        'quota-issues',
        (c) =>
          `452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp ${gsmtp(c.rng)}`,
      ),
      20,
    ],
    [
      reply(
        '4.2.1',
        'inactive-mailbox',
        (c) =>
          `450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. For more information, go to https://support.google.com/mail/?p=ReceivingRatePerm ${gsmtp(c.rng)}`,
      ),
      15,
    ],
  ),
  hard: replies(
    [
      reply(
        '5.1.1',
        'bad-mailbox',
        (c) =>
          `550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser ${gsmtp(c.rng)}`,
      ),
      92,
    ],
    [
      reply(
        '5.2.1',
        'inactive-mailbox',
        (c) =>
          `550 5.2.1 The email account that you tried to reach is inactive. For more information, go to https://support.google.com/mail/?p=DisabledUser ${gsmtp(c.rng)}`,
      ),
      8,
    ],
  ),
  soft: replies(
    [GOOGLE_UNSOLICITED, 45],
    [
      reply(
        '5.2.2',
        'quota-issues',
        (c) =>
          `552 5.2.2 The recipient's inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm ${gsmtp(c.rng)}`,
      ),
      30,
    ],
    [
      reply(
        '5.7.26',
        'spam-related',
        (c) =>
          `550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [${c.msgIdHost}] with ip: [${c.srcIp}] = did not pass For instructions on setting up authentication, go to https://support.google.com/mail/answer/81126#authentication ${gsmtp(c.rng)}`,
      ),
      10,
    ],
    [
      reply(
        '5.7.0',
        'spam-related',
        (c) =>
          `552 5.7.0 This message was blocked because its content presents a potential security issue. To review our message content and attachment content guidelines, go to https://support.google.com/mail/?p=BlockedMessage ${gsmtp(c.rng)}`,
      ),
      15,
    ],
  ),
  queue: replies([reply('4.7.0', '', (c) => `421 4.7.0 Try again later, closing connection. (EHLO) ${gsmtp(c.rng)}`), 1]),
  remote: null,
};

// ---- Microsoft (consumer Outlook.com and Exchange Online tenants) ----

const EOP_FRONTENDS = ['BN8NAM12FT', 'CO1NAM11FT', 'DM6NAM10FT', 'MW2NAM12FT', 'SA2PEPF0000', 'CH1PEPF0000'];
const MAILBOX_SERVERS = ['DM6PR', 'SJ0PR', 'PH0PR', 'BY5PR', 'CY4PR', 'MW4PR', 'PH7P2'];

/** `[frontend timestamp id]` suffix of Exchange Online replies. */
function eop(c: ReplyCtx): string {
  const r = c.rng;
  const n = String(r.range(2, 12)).padStart(2, '0');
  return `[${anyOf(EOP_FRONTENDS, r)}${r.digits(3)}.eop-nam${n}.prod.protection.outlook.com ${c.clock.utcIso(c.epoch, r.int(1000))} ${r.hex(16).toUpperCase()}]`;
}

/** Exchange Online's acceptance; the transfer statistics appear on some front ends only. */
function exchangeQueued(c: ReplyCtx): string {
  const r = c.rng;
  const n = r.range(10, 19);
  const head = `250 2.6.0 <${c.epoch}.${r.hex(12)}@${c.msgIdHost}> [InternalId=${r.digits(13)}, Hostname=${anyOf(MAILBOX_SERVERS, r)}${n}MB${r.digits(4)}.namprd${n}.prod.outlook.com]`;
  if (r.chance(0.5)) return `${head} Queued mail for delivery`;
  const secs = 0.01 + r.int(400) / 1000;
  return `${head} ${c.size} bytes in ${secs.toFixed(3)}, ${(c.size / 1024 / secs).toFixed(3)} KB/sec Queued mail for delivery`;
}

const MS_SERVER_BUSY = reply(
  '4.7.500',
  'other',
  (c) => `451 4.7.500 Server busy. Please try again later from [${c.srcIp}]. (S77714) ${eop(c)}`,
);
const MS_SHARED = {
  ok: replies([reply('2.0.0', '', exchangeQueued), 1]),
  quota: reply('5.2.2', 'quota-issues', (c) => `552 5.2.2 Requested mail action aborted: exceeded storage allocation ${eop(c)}`),
};

export const OUTLOOK: ReplySet = {
  ok: MS_SHARED.ok,
  defer: replies(
    [
      reply(
        '4.7.650',
        'other',
        (c) =>
          `451 4.7.650 The mail server [${c.srcIp}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775) ${eop(c)}`,
      ),
      45,
    ],
    [MS_SERVER_BUSY, 35],
    [
      reply(
        '4.7.0',
        'policy-related',
        (c) =>
          `421 4.7.0 Temporarily rejected. Mail from [${c.srcIp}] is throttled because of unusual volume; please try again later [S3150] ${eop(c)}`,
      ),
      20,
    ],
  ),
  hard: replies([
    reply('5.5.0', 'bad-mailbox', (c) => `550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). ${eop(c)}`),
    1,
  ]),
  soft: replies(
    [
      reply(
        '5.7.1',
        'policy-related',
        (c) =>
          `550 5.7.1 Unfortunately, messages from [${c.srcIp}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. ${eop(c)}`,
      ),
      55,
    ],
    [
      reply(
        '5.7.511',
        'policy-related',
        (c) =>
          `550 5.7.511 Access denied, banned sender[${c.srcIp}]. To request removal from this list please forward this message to delist@messaging.microsoft.com. For more information please go to https://go.microsoft.com/fwlink/?LinkID=526653 AS(1410) ${eop(c)}`,
      ),
      15,
    ],
    [MS_SHARED.quota, 30],
  ),
  queue: replies([
    reply(
      '4.3.2',
      'other',
      () => `421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel`,
    ),
    1,
  ]),
  remote: null,
};

export const EXCHANGE_ONLINE: ReplySet = {
  ok: MS_SHARED.ok,
  defer: replies([MS_SERVER_BUSY, 1]),
  hard: replies([
    reply(
      '5.1.10',
      'bad-mailbox',
      (c) => `550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ${eop(c)}`,
    ),
    1,
  ]),
  soft: replies(
    // Directory-based edge blocking: a dead mailbox that the default patterns file under policy, not bad-mailbox.
    [
      reply(
        '5.4.1',
        'policy-related',
        (c) => `550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors ${eop(c)}`,
      ),
      60,
    ],
    [
      reply(
        '5.7.606',
        'policy-related',
        (c) =>
          `550 5.7.606 Access denied, banned sending IP [${c.srcIp}]. To request removal from this list please visit https://sender.office.com/ ${eop(c)}`,
      ),
      15,
    ],
    [MS_SHARED.quota, 25],
  ),
  queue: replies([reply('4.4.2', '', () => '421 4.4.2 Connection dropped due to SocketError'), 1]),
  remote: replies(
    [
      reply(
        '5.1.10',
        'bad-mailbox',
        (c) => `550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient ${c.rcpt} not found by SMTP address lookup`,
      ),
      70,
    ],
    [
      reply(
        '5.2.2',
        'quota-issues',
        (c) =>
          `554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${c.rng.hex(32)}[EndDiagnosticData]`,
      ),
      30,
    ],
  ),
};

// ---- Yahoo family (yahoo.*, aol.com, ymail.com, verizon.net: one Yahoo infrastructure) ----

function yahooMta(r: Rng): string {
  return `mta${r.range(1000, 4999)}.mail.${anyOf(['gq1', 'bf1', 'bf2', 'ne1', 'sg3'], r)}.yahoo.com`;
}

const YAHOO_VOLUME = reply(
  '4.7.0',
  'policy-related',
  (c) =>
    `421 4.7.0 [TSS04] Messages from ${c.srcIp} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`,
);

export const YAHOO: ReplySet = {
  ok: replies([reply('2.0.0', '', () => '250 ok dirdel'), 1]),
  defer: replies([YAHOO_VOLUME, 70], [reply('4.0.0', 'other', () => '451 Message temporarily deferred - [160]'), 30]),
  hard: replies(
    [
      reply(
        '5.0.0',
        'bad-mailbox',
        (c) => `554 delivery error: dd This user doesn't have a ${c.domain} account (${c.rcpt}) [0] - ${yahooMta(c.rng)}`,
      ),
      90,
    ],
    [reply('5.0.0', 'bad-mailbox', () => '552 1 Requested mail action aborted, mailbox not found'), 10],
  ),
  soft: replies(
    [
      reply(
        '5.7.9',
        'policy-related',
        () => '554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes',
      ),
      75,
    ],
    [
      reply(
        '5.7.2',
        'policy-related',
        (c) =>
          `553 5.7.2 [TSS09] All messages from ${c.srcIp} will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes`,
      ),
      25,
    ],
  ),
  queue: replies([YAHOO_VOLUME, 1]),
  remote: null,
};
