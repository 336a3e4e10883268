import { describe, expect, it } from 'vitest';
import { matching } from '../helpers/where.js';

/** Records chosen for the cases: quoted cells with commas and doubled quotes, UTF-8, empty cells, an f record, an unknown type. */
const CSV = [
  'type,timeLogged,timeQueued,rcpt,dsnStatus,dsnDiag,dsnMta,dlvSourceIp,vmta,vmtaPool,jobId,bounceCat,dlvSize,queue,header_X-job',
  'd,2026-11-28 02:00:05-0500,2026-11-28 02:00:00-0500,a@gmail.com,2.0.0 (success),smtp;250 2.0.0 OK 1795863834 x1y2 - gsmtp,gmail-smtp-in.l.google.com (142.250.1.27),203.0.113.14,gm-01,pool-gmail,cmp-1,,5000,gmail.com/gm-01,',
  'b,2026-11-28 02:10:00-0500,2026-11-28 02:09:00-0500,B@Hotmail.com,5.1.1 (bad destination mailbox address),"smtp;550 5.1.1 user unknown, ""B""",mx.hotmail.com (52.101.1.1),203.0.113.40,ms-01,pool-ms,cmp-1,bad-mailbox,,hotmail.rollup/ms-01,',
  't,2026-11-28 03:00:00-0500,2026-11-28 02:00:00-0500,c@yahoo.com,4.7.0 (other),smtp;421 4.7.0 [TSS04] Messages from 203.0.113.60 temporarily deferred,mta5.am0.yahoodns.net (67.195.1.1),203.0.113.60,yh-01,pool-yahoo,cmp-2,policy-related,,yahoo.rollup/yh-01,',
  'f,2026-11-28 04:00:00-0500,,d@outlook.com,,,,40.92.1.1,,,,,,,cmp-2',
  'd,2026-11-28 05:00:00-0500,2026-11-28 04:00:00-0500,e@bücher.de,2.0.0 (success),smtp;250 ok,mx.xn--bcher-kva.de (87.98.150.101),198.51.100.5,tx-01,pool-tx,tx-orders,,123456,bücher.de/tx-01,',
  'b,2026-11-28 06:00:00-0500,2026-11-28 05:59:00-0500,f@gmial.com,5.1.2 (bad destination system: no such domain),smtp;550 5.1.2 gmial.com: no such domain,,198.51.100.5,tx-01,pool-tx,tx-orders,bad-domain,,gmial.com/tx-01,',
  'tq,2026-11-28 07:00:00-0500,,,4.4.1 (no answer from host),,mx1.example.net (192.0.2.1),0.0.0.0,tx-01,,,,,example.net/tx-01,',
  'zz,2026-11-28 08:00:00-0500,,g@gmail.com,,,,,,,,,,,',
].join('\r\n');

const ALL = ['a@gmail.com', 'B@Hotmail.com', 'c@yahoo.com', 'd@outlook.com', 'e@bücher.de', 'f@gmial.com', '', 'g@gmail.com'];

describe('--where on records (compiled per header, tested on the bytes)', () => {
  it.each([
    ['type = d', ['a@gmail.com', 'e@bücher.de']],
    ['TYPE = D', ['a@gmail.com', 'e@bücher.de']],
    ['type in (b, t)', ['B@Hotmail.com', 'c@yahoo.com', 'f@gmial.com']],
    ['type not in (d, b, t, f)', ['', 'g@gmail.com']],
    ['type = zz', ['g@gmail.com']],
    ['rcpt = b@hotmail.com', ['B@Hotmail.com']],
    ["rcpt = 'E@BÜCHER.DE'", []],
    ["rcpt = 'e@bücher.de'", ['e@bücher.de']],
    ['rcpt != a@gmail.com and type = d', ['e@bücher.de']],
    ['isp = gmail', ['a@gmail.com', 'g@gmail.com']],
    ['isp in (microsoft, yahoo)', ['B@Hotmail.com', 'c@yahoo.com', 'd@outlook.com']],
    ['isp = other and type != zz', ['e@bücher.de', 'f@gmial.com', '']],
    ['domain = bücher.de', ['e@bücher.de']],
    ['domain like *.de', ['e@bücher.de']],
    ['domain = example.net', ['']],
    ['ip = 203.0.113.14', ['a@gmail.com']],
    ['ip = 40.92.1.1', []],
    ['dlvSourceIp = 40.92.1.1', ['d@outlook.com']],
    ['pool = pool-tx', ['e@bücher.de', 'f@gmial.com']],
    ['vmtaPool = POOL-TX', ['e@bücher.de', 'f@gmial.com']],
    ['job = cmp-2', ['c@yahoo.com', 'd@outlook.com']],
    ['jobId = cmp-2', ['c@yahoo.com']],
    ['header_x-job = cmp-2', ['d@outlook.com']],
    ['bounceCat = bad-mailbox', ['B@Hotmail.com']],
    ['hard', ['B@Hotmail.com', 'f@gmial.com']],
    ['hard = false and type = b', []],
    ['not hard and type in (b, t)', ['c@yahoo.com']],
    ['outcome = hard-bounce', ['B@Hotmail.com', 'f@gmial.com']],
    ['outcome in (complaint, queue-deferred)', ['d@outlook.com', '']],
    ['latency >= 3600', ['e@bücher.de']],
    ['latency > 1h', []],
    ['latency = 5', ['a@gmail.com']],
    ['latency != 5', ['e@bücher.de']],
    ['not latency = 5', ALL.filter((r) => r !== 'a@gmail.com')],
    ['latency', ['a@gmail.com', 'e@bücher.de']],
    ['dlvSize > 10000', ['e@bücher.de']],
    ['dlvSize <= 5000', ['a@gmail.com']],
    ["dlvSize > '10000'", ['a@gmail.com', 'e@bücher.de']],
    ["dlvSize > '10k'", ['a@gmail.com', 'e@bücher.de']], // quoted: text, as asked ('5000' > '10k')
    ['latency > 1m', ['e@bücher.de']], // a duration, not a number with a multiplier
    ['dlvSize', ['a@gmail.com', 'e@bücher.de']],
    ['not jobId', ['d@outlook.com', '', 'g@gmail.com']],
    ['dsnDiag ~ unknown', ['B@Hotmail.com']],
    ['dsnDiag ~ \'"B"\'', ['B@Hotmail.com']],
    ['dsnDiag ~ /UNKNOWN, "b"/i', ['B@Hotmail.com']],
    ['dsnDiag ~ /^smtp;5\\d\\d /', ['B@Hotmail.com', 'f@gmial.com']],
    ['dsnDiag !~ /^smtp;2/ and dsnDiag', ['B@Hotmail.com', 'c@yahoo.com', 'f@gmial.com']],
    ['dsnDiag ~ tss04', []],
    ['dsnDiag ~ /tss04/i', ['c@yahoo.com']],
    ['dsnDiag like \'*user unknown, "b"\'', ['B@Hotmail.com']],
    ["dsnStatus like '5.1.?*'", ['B@Hotmail.com', 'f@gmial.com']],
    ["rcpt like '?@*.com'", ['a@gmail.com', 'B@Hotmail.com', 'c@yahoo.com', 'd@outlook.com', 'f@gmial.com', 'g@gmail.com']],
    ["rcpt like 'e@b?cher.de'", ['e@bücher.de']],
    ["rcpt not like '*@gmail.com'", ALL.filter((r) => r !== 'a@gmail.com' && r !== 'g@gmail.com')],
    ["diag = 'smtp;550 5.1.2 gmial.com: no such domain'", ['f@gmial.com']],
    ["diag ~ '{ip} temporarily'", ['c@yahoo.com']],
    ["diag like 'smtp;250 2.0.0 OK {id} {id} - gsmtp'", ['a@gmail.com']],
    ["timeLogged >= '2026-11-28 10:00'", ['e@bücher.de', 'f@gmial.com', '', 'g@gmail.com']],
    ['timeLogged < 2026-11-28T08:00:00Z', ['a@gmail.com', 'B@Hotmail.com']],
    ["timeQueued < '2026-11-28 07:05'", ['a@gmail.com', 'c@yahoo.com']],
    ["timeLogged = '2026-11-28 07:10:00'", ['B@Hotmail.com']],
    ["bucket = '2026-11-28 07:00'", ['a@gmail.com', 'B@Hotmail.com']],
    ["bucket >= '2026-11-28 12:00' and bucket < '2026-11-28 13:00'", ['']],
    ['nosuchcolumn', []],
    ["nosuchcolumn = ''", ALL],
    ['(isp = gmail or isp = yahoo) and not type = zz', ['a@gmail.com', 'c@yahoo.com']],
    ['isp = gmail or isp = yahoo and type = t', ['a@gmail.com', 'c@yahoo.com', 'g@gmail.com']],
  ])('%s', (where, expected) => {
    expect(matching(CSV, where)).toEqual(expected);
  });

  it('gives the same answer however the input is cut', () => {
    for (const where of ['isp = gmail or hard', "dsnDiag ~ 'user unknown'", "diag like '*{ip}*'"]) {
      const whole = matching(CSV, where);
      for (const piece of [1, 7, 64]) expect(matching(CSV, where, 'rcpt', piece)).toEqual(whole);
    }
  });

  it('recompiles when the header changes mid-file (columns move)', () => {
    const two = `type,rcpt,jobId\nd,a@x.com,j1\ntype,jobId,rcpt\nd,j1,b@x.com\nd,j2,c@x.com\n`;
    expect(matching(two, 'jobId = j1')).toEqual(['a@x.com', 'b@x.com']);
  });

  it('survives a catastrophic regex on hostile text (linear-time fallback) and caps the input', () => {
    const hostile = `type,rcpt,dsnDiag\nd,a@x.com,${'a'.repeat(5000)}!\nd,b@x.com,${'a'.repeat(40)}b\n`;
    expect(matching(hostile, 'dsnDiag ~ /(a+)+b/')).toEqual(['b@x.com']);
    expect(matching(hostile, 'dsnDiag ~ /(a|aa)*c/')).toEqual([]);
    const long = `type,rcpt,dsnDiag\nd,a@x.com,${'x'.repeat(9000)}needle\n`;
    expect(matching(long, 'dsnDiag ~ /needle$/')).toEqual([]);
    expect(matching(long, 'dsnDiag ~ /^x+/')).toEqual(['a@x.com']);
  });
});
