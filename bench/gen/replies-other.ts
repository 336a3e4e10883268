/**
 * Replies of the other receivers: Apple, Comcast, GMX/WEB.DE, Orange, generic European ISP Postfix setups and
 * self-hosted business servers (Postfix with greylisting, on-premises Exchange). Shapes follow what these
 * operators document or commonly return; wording is ours.
 */
import { ALNUM_MIXED, type Rng, anyOf } from './prng.js';
import { type ReplyCtx, type ReplySet, replies, reply } from './reply.js';

function postfixId(r: Rng): string {
  return `4${r.chars(ALNUM_MIXED, 14)}`;
}

const POSTFIX_QUEUED = reply('2.0.0', '', (c) => `250 2.0.0 Ok: queued as ${postfixId(c.rng)}`);
const USER_UNKNOWN = reply(
  '5.1.1',
  'bad-mailbox',
  (c) => `550 5.1.1 <${c.rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
);
const MAILBOX_FULL = reply('5.2.2', 'quota-issues', (c) => `552 5.2.2 <${c.rcpt}>: Recipient address rejected: Mailbox full`);
const NO_ANSWER = reply('4.4.1', '', () => '');
const CONNECTION_LOST = reply('4.4.2', '', () => '421 4.4.2 Connection timed out during banner exchange');

export const APPLE: ReplySet = {
  ok: replies([reply('2.0.0', '', (c) => `250 2.0.0 Ok: queued as ${c.rng.chars(ALNUM_MIXED, 10)}-${c.rng.hex(8)}`), 1]),
  defer: replies(
    [
      reply(
        '4.7.1',
        'policy-related',
        () => '450 4.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      ),
      70,
    ],
    [reply('4.2.2', 'quota-issues', (c) => `452 4.2.2 <${c.rcpt}>: user is over quota`), 30],
  ),
  hard: replies([reply('5.1.1', 'bad-mailbox', (c) => `550 5.1.1 <${c.rcpt}>: user does not exist`), 1]),
  soft: replies(
    [
      reply(
        '5.7.1',
        'policy-related',
        () => '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      ),
      75,
    ],
    [reply('5.2.2', 'quota-issues', (c) => `552 5.2.2 <${c.rcpt}>: user is over quota`), 25],
  ),
  queue: replies([reply('4.7.0', '', () => '421 4.7.0 Too many concurrent connections, try again later'), 1]),
  remote: null,
};

function comcastHost(r: Rng): string {
  return `resimta-po-${r.range(10, 40)}v.sys.comcast.net`;
}

export const COMCAST: ReplySet = {
  ok: replies([reply('2.0.0', '', (c) => `250 2.0.0 ${c.rng.chars(ALNUM_MIXED, 16)} mail accepted for delivery`), 1]),
  defer: replies([
    reply(
      '4.1.0',
      'other',
      (c) => `421 4.1.0 ${c.srcIp} Throttled - try again later. Please see https://www.xfinity.com/smtp-error-codes.php#RL000003`,
    ),
    1,
  ]),
  hard: replies([reply('5.1.1', 'bad-mailbox', (c) => `550 5.1.1 <${c.rcpt}> recipient does not exist here`), 1]),
  soft: replies([
    reply(
      '5.7.1',
      'policy-related',
      (c) =>
        `554 5.7.1 ${comcastHost(c.rng)} comcast ${c.srcIp} found on one or more DNSBLs, see https://www.xfinity.com/smtp-error-codes.php#BL000010`,
    ),
    1,
  ]),
  queue: replies([
    reply(
      '4.7.0',
      '',
      (c) =>
        `421 4.7.0 ${comcastHost(c.rng)} comcast Too many sessions opened from ${c.srcIp}. Please see https://www.xfinity.com/smtp-error-codes.php#RL000001`,
    ),
    1,
  ]),
  remote: null,
};

function gmxId(r: Rng): string {
  return `1${r.chars(ALNUM_MIXED, 5)}-1${r.chars(ALNUM_MIXED, 10)}-00${r.chars(ALNUM_MIXED, 4)}`;
}

function gmxHost(c: ReplyCtx): string {
  const web = c.domain === 'web.de';
  return `${web ? 'web.de' : 'gmx.net'} (${web ? 'mxweb' : 'mxgmx'}${String(c.rng.range(1, 120)).padStart(3, '0')})`;
}

export const GMX: ReplySet = {
  ok: replies([reply('2.0.0', '', (c) => `250 Requested mail action okay, completed: id=${gmxId(c.rng)}`), 1]),
  defer: replies(
    [
      reply(
        '4.0.0',
        'policy-related',
        (c) =>
          `421 ${gmxHost(c)} Nemesis ESMTP Service not available Requested action aborted: try again later. Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?c=r0601&i=ip&v=${c.srcIp}&r=${gmxId(c.rng)}`,
      ),
      65,
    ],
    // The default patterns read "mailbox unavailable" as bad-mailbox even on a deferral: a trap for hard-bounce counts.
    [reply('4.0.0', 'bad-mailbox', (c) => `450 ${gmxHost(c)} Requested mail action not taken: mailbox unavailable, try again later`), 35],
  ),
  hard: replies([reply('5.0.0', 'bad-mailbox', () => '550 Requested action not taken: mailbox unavailable'), 1]),
  soft: replies(
    [
      reply(
        '5.0.0',
        'policy-related',
        (c) =>
          `554 Transaction failed Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?c=hi&i=ip&v=${c.srcIp}&r=${gmxId(c.rng)}`,
      ),
      70,
    ],
    [reply('5.0.0', 'quota-issues', () => '552 Requested mail action aborted: exceeded storage allocation'), 30],
  ),
  queue: replies([
    reply(
      '4.7.0',
      '',
      (c) => `421 ${gmxHost(c)} Nemesis ESMTP Service not available Too many connections from ${c.srcIp}, try again later`,
    ),
    1,
  ]),
  remote: null,
};

function mwinf(r: Rng): string {
  return `mwinf${r.range(5, 6)}${anyOf(['c', 'd'], r)}${r.range(10, 99)}`;
}

export const ORANGE: ReplySet = {
  ok: replies([reply('2.0.0', '', (c) => `250 2.0.0 ${mwinf(c.rng)} with ME id ${c.rng.chars(ALNUM_MIXED, 16)} queued`), 1]),
  defer: replies(
    [
      reply(
        '4.0.0',
        'other',
        (c) =>
          `421 ${mwinf(c.rng)} ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]`,
      ),
      60,
    ],
    [
      reply(
        '4.7.1',
        'policy-related',
        (c) =>
          `421 4.7.1 ${mwinf(c.rng)} ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR004_104 [104]`,
      ),
      40,
    ],
  ),
  hard: replies([
    reply(
      '5.1.1',
      'bad-mailbox',
      (c) =>
        `550 5.1.1 <${c.rcpt}>: Recipient address rejected: Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]`,
    ),
    1,
  ]),
  soft: replies(
    [reply('5.7.1', 'policy-related', () => '550 5.7.1 Service refuse. Veuillez essayer plus tard. OFR004_104 [104]'), 60],
    [
      reply(
        '5.7.1',
        'spam-related',
        (c) =>
          `554 5.7.1 ${mwinf(c.rng)} ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102 Ref http://postmaster.orange.fr/ [102]`,
      ),
      40,
    ],
  ),
  queue: replies([
    reply(
      '4.0.0',
      '',
      (c) =>
        `421 ${mwinf(c.rng)} ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]`,
    ),
    1,
  ]),
  remote: null,
};

/** Regional ISPs (free.fr, sfr.fr, t-online.de, libero.it, btinternet.com, laposte.net): Postfix-like replies. */
export const ISP: ReplySet = {
  ok: replies([POSTFIX_QUEUED, 1]),
  defer: replies(
    [
      reply(
        '4.7.0',
        'spam-related',
        (c) => `421 4.7.0 Too many spams from your IP (${c.srcIp}), please visit the postmaster page of ${c.domain}`,
      ),
      40,
    ],
    [reply('4.7.1', 'policy-related', (c) => `450 4.7.1 Client host [${c.srcIp}] temporarily exceeded its rate, try again later`), 40],
    [reply('4.2.2', 'quota-issues', (c) => `452 4.2.2 <${c.rcpt}>: Mailbox full, try again later`), 20],
  ),
  hard: replies([USER_UNKNOWN, 85], [reply('5.2.1', 'inactive-mailbox', (c) => `550 5.2.1 <${c.rcpt}>: account is disabled`), 15]),
  soft: replies(
    [
      reply(
        '5.0.0',
        'other',
        (c) =>
          `554 IP=${c.srcIp} - A problem occurred. (Ask your postmaster for help or to contact the abuse desk of ${c.domain} to clarify.) (BL)`,
      ),
      40,
    ],
    [reply('5.7.1', 'spam-related', (c) => `554 5.7.1 Service unavailable; Client host [${c.srcIp}] blocked using a DNS blocklist`), 35],
    [MAILBOX_FULL, 25],
  ),
  queue: replies([NO_ANSWER, 50], [CONNECTION_LOST, 50]),
  remote: replies(
    [reply('5.1.1', 'bad-mailbox', (c) => `550 5.1.1 <${c.rcpt}>: Recipient address rejected: User unknown in local recipient table`), 60],
    [reply('5.2.2', 'quota-issues', (c) => `552 5.2.2 <${c.rcpt}>: mailbox full (quota exceeded)`), 40],
  ),
};

/** Business mail servers run in-house: greylisting Postfix, Exim and on-premises Exchange. */
export const SELF_HOSTED: ReplySet = {
  ok: replies(
    [POSTFIX_QUEUED, 60],
    [
      reply('2.0.0', '', (c) => `250 OK id=1t${c.rng.chars(ALNUM_MIXED, 4)}-${c.rng.chars(ALNUM_MIXED, 6)}-${c.rng.chars(ALNUM_MIXED, 2)}`),
      20,
    ],
    [
      reply(
        '2.0.0',
        '',
        (c) =>
          `250 2.6.0 <${c.epoch}.${c.rng.hex(12)}@${c.msgIdHost}> [InternalId=${c.rng.digits(12)}, Hostname=EXCH0${c.rng.range(1, 4)}.corp.${c.domain}] Queued mail for delivery`,
      ),
      20,
    ],
  ),
  defer: replies(
    // Greylisting defers every first attempt from an unknown sender triplet: the bulk of their deferrals.
    [
      reply(
        '4.2.0',
        'policy-related',
        (c) => `450 4.2.0 <${c.rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${c.domain}.html`,
      ),
      80,
    ],
    [reply('4.3.0', 'other', () => '451 4.3.0 Temporary local problem - please try later'), 20],
  ),
  hard: replies(
    [USER_UNKNOWN, 70],
    [reply('5.0.0', 'routing-errors', () => '550 Unrouteable address'), 10],
    [
      reply(
        '5.1.1',
        'bad-mailbox',
        (c) => `550 5.1.1 RESOLVER.ADR.RecipientNotFound; Recipient ${c.rcpt} not found by SMTP address lookup`,
      ),
      20,
    ],
  ),
  soft: replies(
    [reply('5.7.1', 'spam-related', () => '554 5.7.1 Message rejected as spam by Content Filtering.'), 50],
    [MAILBOX_FULL, 30],
    [reply('5.7.1', 'relaying-issues', (c) => `554 5.7.1 <${c.rcpt}>: Relay access denied`), 20],
  ),
  queue: replies([NO_ANSWER, 60], [CONNECTION_LOST, 40]),
  remote: replies(
    [reply('5.1.1', 'bad-mailbox', (c) => `550 5.1.1 no such local recipient: <${c.rcpt}> in "RCPT TO:<${c.rcpt}>"`), 45],
    [reply('5.1.1', 'bad-mailbox', (c) => `550 5.1.1 <${c.rcpt}>: Recipient address rejected: User unknown in local recipient table`), 30],
    [reply('5.2.2', 'quota-issues', (c) => `552 5.2.2 <${c.rcpt}>... Mailbox full`), 15],
    [reply('5.2.1', 'inactive-mailbox', (c) => `550 5.2.1 <${c.rcpt}>: mailbox is disabled`), 10],
  ),
};
