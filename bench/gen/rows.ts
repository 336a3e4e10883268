/**
 * One accounting row per call, in the union layout of ACCT_HEADER. d/b/t rows (≈97 % of a day) are built by
 * direct concatenation in column order; the rare tq/rb/f rows fill a cell array by column index, which is
 * easier to check and costs nothing at their volume.
 */
import type { Clock } from './clock.js';
import { csvCell } from './csv.js';
import { COMMON_TYPOS, DESTINATION_PICK, type Destination, type Fbl, type Mx } from './destinations.js';
import { type Job, messageSize } from './jobs.js';
import { businessLocal, personLocal } from './people.js';
import { FBL_RECEIVER_IP, INCIDENT_IP, POOLS, type Vmta } from './pools.js';
import { Rng, anyOf, pick, streamSeed, weighted } from './prng.js';
import { GOOGLE_RATE_LIMITED, GOOGLE_UNSOLICITED } from './replies-big.js';
import { EXPIRED_CAT, EXPIRED_STATUS, NO_SUCH_DOMAIN, type Reply, type ReplyCtx } from './reply.js';
import type { Schedule } from './schedule.js';

/** The union header of `records d,b,t,tq,f,rb` with default fields (f adds its four default header_ fields). */
export const ACCT_HEADER: readonly string[] = [
  'type',
  'timeLogged',
  'timeQueued',
  'orig',
  'rcpt',
  'orcpt',
  'dsnAction',
  'dsnStatus',
  'dsnDiag',
  'dsnMta',
  'bounceCat',
  'srcType',
  'srcMta',
  'dlvType',
  'dlvSourceIp',
  'dlvDestinationIp',
  'dlvEsmtpAvailable',
  'dlvSize',
  'vmta',
  'jobId',
  'envId',
  'queue',
  'vmtaPool',
  'dlvTlsProtocol',
  'dlvTlsCipher',
  'dsnReportingMta',
  'repSourceIp',
  'feedbackType',
  'format',
  'userAgent',
  'reportingMta',
  'reportedDomain',
  'header_From',
  'header_Return-Path',
  'header_X-job',
  'header_Subject',
];

const COL = Object.fromEntries(ACCT_HEADER.map((name, i) => [name, i])) as Readonly<Record<string, number>>;
/** Empty cells after dlvTlsCipher, the last column d/b/t records fill. */
const DBT_TAIL = ','.repeat(ACCT_HEADER.length - 1 - COL.dlvTlsCipher) + '\r\n';

/** Gmail reputation incident on one IP, 02:00-04:00 local. */
const INCIDENT_FROM = 2 * 3600;
const INCIDENT_TO = 4 * 3600;
const INCIDENT_DEFER = 0.25;
const INCIDENT_BLOCK = 0.03;

/** Retry schedule (retry-after 10m,10m,1h,4h,4h) as cumulative delays before the attempt being logged. */
const RETRY_DELAY = weighted([
  [600, 45],
  [1200, 25],
  [4800, 15],
  [19_200, 10],
  [33_600, 5],
]);
const BAD_DOMAIN_SHARE = 0.12;

/**
 * Rows of one second at a time: `begin(s)` reseeds the second's own random stream, then each `row()` returns one
 * CRLF-terminated row logged at s. The rows of a second depend only on (seed, s), never on earlier seconds.
 */
export interface RowWriter {
  begin(second: number): void;
  row(): string;
}

/** The row being built; one object reused for every row. */
interface Current {
  job: Job;
  dest: Destination;
  vm: Vmta;
  mx: Mx;
  orig: string;
  rcpt: string;
  queue: string;
}

export function makeRowWriter(clock: Clock, schedule: Schedule, seed: number): RowWriter {
  const rng = new Rng(seed);
  const ctx: ReplyCtx = { rng, clock, rcpt: '', domain: '', srcIp: '', epoch: 0, size: 0, msgIdHost: '' };
  const dest0 = DESTINATION_PICK.items[0];
  const cur: Current = { job: schedule.jobs[0], dest: dest0, vm: dest0.pool.vmtas[0], mx: dest0.mx[0], orig: '', rcpt: '', queue: '' };
  let tl = '';
  let second = 0;
  // timeQueued of first attempts is 0-5 s before timeLogged: format each of those seconds once per second.
  const recent: string[] = new Array<string>(6).fill('');
  const queuedAt = (queued: number): string => {
    const ago = second - queued;
    if (ago >= recent.length) return clock.local(queued);
    if (recent[ago] === '') recent[ago] = clock.local(queued);
    return recent[ago];
  };

  const diag = (reply: Reply): string => {
    const text = reply.text(ctx);
    return text === '' ? '' : csvCell('smtp;' + text);
  };
  const retryDelay = (): number => pick(RETRY_DELAY, rng) + rng.int(240);
  const firstAttempt = (): number => rng.int(6);

  /**
   * d/b/t row. `connected`: this record is about an SMTP session (EHLO extensions, TLS); `mx` null when no
   * host was found at all (bad domain).
   */
  function attempt(
    type: string,
    action: string,
    status: string,
    diagCell: string,
    cat: string,
    queued: number,
    mx: Mx | null,
    connected: boolean,
    size: string,
  ): string {
    const { job, dest, vm } = cur;
    const tls = connected && dest.tls !== null ? pick(dest.tls, rng) : null;
    return (
      type +
      ',' +
      tl +
      ',' +
      queuedAt(queued) +
      ',' +
      cur.orig +
      ',' +
      cur.rcpt +
      ',,' +
      action +
      ',' +
      status +
      ',' +
      diagCell +
      ',' +
      (mx === null ? '' : mx.dsnMta) +
      ',' +
      cat +
      ',' +
      job.srcType +
      ',' +
      anyOf(job.srcMtas, rng) +
      ',smtp,' +
      vm.ip +
      ',' +
      (mx === null ? '' : mx.ip) +
      ',' +
      (connected ? dest.esmtp : '') +
      ',' +
      size +
      ',' +
      vm.name +
      ',' +
      job.id +
      ',' +
      (job.envId ? rng.hex(12) : '') +
      ',' +
      cur.queue +
      ',' +
      vm.pool +
      ',' +
      (tls === null ? ',' : tls[0] + ',' + tls[1]) +
      DBT_TAIL
    );
  }

  /** A failed or deferred attempt answered by `reply` in an SMTP session. */
  function answered(type: 'b' | 't', reply: Reply, queued: number): string {
    return attempt(type, type === 'b' ? 'failed' : 'delayed', reply.status, diag(reply), reply.cat, queued, cur.mx, true, '');
  }

  function cells(): string[] {
    return new Array<string>(ACCT_HEADER.length).fill('');
  }

  function finish(row: string[]): string {
    return row.join(',') + '\r\n';
  }

  function queueRow(): string {
    const { dest, vm, mx } = cur;
    const reply = pick(dest.replies.queue, rng);
    const row = cells();
    row[COL.type] = 'tq';
    row[COL.timeLogged] = tl;
    row[COL.dsnStatus] = reply.status;
    row[COL.dsnDiag] = diag(reply);
    row[COL.dsnMta] = mx.dsnMta;
    row[COL.dlvType] = 'smtp';
    row[COL.dlvSourceIp] = vm.ip;
    row[COL.dlvDestinationIp] = mx.ip;
    row[COL.vmta] = vm.name;
    row[COL.queue] = dest.queueDomain + '/' + vm.name;
    return finish(row);
  }

  function remoteBounce(remote: Reply): string {
    const { job, mx } = cur;
    const row = cells();
    row[COL.type] = 'rb';
    row[COL.timeLogged] = tl;
    row[COL.orig] = cur.orig;
    row[COL.rcpt] = cur.rcpt;
    row[COL.dsnStatus] = remote.status;
    row[COL.dsnDiag] = diag(remote);
    row[COL.dsnMta] = mx.dsnMta;
    row[COL.dsnReportingMta] = mx.host;
    row[COL.bounceCat] = remote.cat;
    row[COL.srcType] = 'smtp';
    row[COL.srcMta] = mx.dsnMta;
    row[COL.envId] = job.envId ? rng.hex(12) : '';
    row[COL.format] = 'dsn';
    // rb records have no jobId: attribution comes from the original message's X-Job header.
    row[COL['header_X-job']] = job.id;
    return finish(row);
  }

  function complaint(fbl: Fbl): string {
    const { job } = cur;
    const row = cells();
    row[COL.type] = 'f';
    row[COL.timeLogged] = tl;
    row[COL.repSourceIp] = FBL_RECEIVER_IP;
    row[COL.feedbackType] = 'abuse';
    row[COL.format] = fbl.format;
    row[COL.userAgent] = fbl.userAgent;
    row[COL.orig] = cur.orig;
    row[COL.rcpt] = cur.rcpt;
    row[COL.reportingMta] = fbl.reportingMta;
    // The provider's reporting host, not ours: f records use dlvSourceIp for "where the report came from".
    row[COL.dlvSourceIp] = anyOf(fbl.ips, rng);
    row[COL.reportedDomain] = job.origHost;
    row[COL.header_From] = job.fromCell;
    row[COL['header_Return-Path']] = '<' + cur.orig + '>';
    row[COL['header_X-job']] = job.id;
    row[COL.header_Subject] = job.subjectCell;
    return finish(row);
  }

  function address(local: string, domain: string): void {
    cur.rcpt = local + '@' + domain;
    cur.orig = 'bounce-' + local + '=' + domain + '@' + cur.job.origHost;
    ctx.rcpt = cur.rcpt;
    ctx.domain = domain;
  }

  function one(): string {
    const job = schedule.jobAt(Math.floor(second / 60), rng);
    const dest = pick(DESTINATION_PICK, rng);
    const rates = dest.rates;
    const vm = anyOf(job.campaign ? dest.pool.vmtas : POOLS.transactional.vmtas, rng);
    cur.job = job;
    cur.dest = dest;
    cur.vm = vm;
    cur.mx = anyOf(dest.mx, rng);
    cur.queue = dest.queueDomain + '/' + vm.name;
    ctx.srcIp = vm.ip;
    ctx.msgIdHost = job.origHost;

    let u = rng.float();
    if (u < rates.tq) return queueRow();
    u -= rates.tq;

    const local = dest.business ? businessLocal(rng) : personLocal(rng);
    const pRemote = rates.rb * job.remoteBounceMult;
    if (u < pRemote && dest.replies.remote !== null) {
      address(local, dest.domain);
      return remoteBounce(pick(dest.replies.remote, rng));
    }
    if (u - pRemote < rates.complaint * job.complaintMult && dest.fbl !== null) {
      address(local, dest.domain);
      return complaint(dest.fbl);
    }

    // An attempt: deferral, bounce or delivery.
    const incident = vm.ip === INCIDENT_IP && dest.pool === POOLS.gmail && second >= INCIDENT_FROM && second < INCIDENT_TO;
    const pDefer = incident ? INCIDENT_DEFER : rates.defer * job.deferMult;
    const pSoft = rates.soft + (incident ? INCIDENT_BLOCK : 0);
    u = rng.float();

    if (u < pDefer) {
      address(local, dest.domain);
      const reply = incident ? GOOGLE_RATE_LIMITED : pick(dest.replies.defer, rng);
      return answered('t', reply, second - (rng.chance(0.3) ? retryDelay() : firstAttempt()));
    }
    u -= pDefer;
    if (u < job.hardRate) {
      if (rng.chance(BAD_DOMAIN_SHARE)) {
        // A misspelt domain from a bad list: PowerMTA finds no MX and bounces without a session.
        const typo = anyOf(dest.typos.length > 0 ? dest.typos : COMMON_TYPOS, rng);
        address(local, typo);
        cur.queue = typo + '/' + vm.name;
        return attempt(
          'b',
          'failed',
          NO_SUCH_DOMAIN.status,
          diag(NO_SUCH_DOMAIN),
          NO_SUCH_DOMAIN.cat,
          second - firstAttempt(),
          null,
          false,
          '',
        );
      }
      address(local, dest.domain);
      return answered('b', pick(dest.replies.hard, rng), second - firstAttempt());
    }
    u -= job.hardRate;
    address(local, dest.domain);
    if (u < pSoft) {
      if (incident && u < INCIDENT_BLOCK) return answered('b', GOOGLE_UNSOLICITED, second - firstAttempt());
      if (rng.chance(rates.expired)) {
        // bounce-after reached: the record quotes the last deferral; no session belongs to this record.
        const last = pick(dest.replies.defer, rng);
        return attempt('b', 'failed', EXPIRED_STATUS, diag(last), EXPIRED_CAT, second - job.bounceAfter - rng.int(900), cur.mx, false, '');
      }
      return answered('b', pick(dest.replies.soft, rng), second - firstAttempt());
    }

    // Delivered; messages to throttling providers often needed retries before this attempt.
    ctx.size = messageSize(job, rng);
    const queued = second - (rng.chance(Math.min(0.9, pDefer * 1.2)) ? retryDelay() : firstAttempt());
    const ok = pick(dest.replies.ok, rng);
    return attempt('d', 'relayed', ok.status, diag(ok), '', queued, cur.mx, true, String(ctx.size));
  }

  return {
    begin(s: number): void {
      rng.reseed(streamSeed(seed, s));
      second = s;
      tl = clock.local(s);
      recent.fill('');
      ctx.epoch = clock.epoch(s);
    },
    row: one,
  };
}
