import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCT_HEADER, writeDay, writeSingleFile } from '../../bench/generate.js';

const ROWS = 60_000;
let dir = '';
let text = '';
let rows: string[][] = [];
const col = Object.fromEntries(ACCT_HEADER.map((h, i) => [h, i])) as Record<string, number>;
const cell = (row: string[], name: string): string => row[col[name]];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pmta-gen-'));
  await writeSingleFile(join(dir, 'day.csv'), { rows: ROWS });
  text = await readFile(join(dir, 'day.csv'), 'utf8');
  rows = parse(text) as string[][];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ATTEMPT = [
  'type',
  'timeLogged',
  'timeQueued',
  'orig',
  'rcpt',
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
];
const without = (list: string[], ...names: string[]) => list.filter((n) => !names.includes(n));

/** Per record type: the columns it may fill and those it must fill (doc section 3). */
const LAYOUT: Record<string, { allowed: string[]; required: string[] }> = {
  d: { allowed: without(ATTEMPT, 'bounceCat'), required: without(ATTEMPT, 'bounceCat', 'envId', 'dlvTlsProtocol', 'dlvTlsCipher') },
  t: { allowed: without(ATTEMPT, 'dlvSize'), required: without(ATTEMPT, 'dlvSize', 'envId', 'dlvTlsProtocol', 'dlvTlsCipher') },
  b: {
    allowed: without(ATTEMPT, 'dlvSize'),
    required: without(ATTEMPT, 'dlvSize', 'envId', 'dlvTlsProtocol', 'dlvTlsCipher', 'dsnMta', 'dlvDestinationIp', 'dlvEsmtpAvailable'),
  },
  tq: {
    allowed: ['type', 'timeLogged', 'dsnStatus', 'dsnDiag', 'dsnMta', 'dlvType', 'dlvSourceIp', 'dlvDestinationIp', 'vmta', 'queue'],
    required: ['type', 'timeLogged', 'dsnStatus', 'dsnMta', 'dlvType', 'dlvSourceIp', 'dlvDestinationIp', 'vmta', 'queue'],
  },
  rb: {
    allowed: [
      'type',
      'timeLogged',
      'orig',
      'rcpt',
      'dsnStatus',
      'dsnDiag',
      'dsnMta',
      'dsnReportingMta',
      'bounceCat',
      'srcType',
      'srcMta',
      'envId',
      'format',
      'header_X-job',
    ],
    required: [
      'type',
      'timeLogged',
      'orig',
      'rcpt',
      'dsnStatus',
      'dsnDiag',
      'dsnMta',
      'dsnReportingMta',
      'bounceCat',
      'srcType',
      'srcMta',
      'format',
      'header_X-job',
    ],
  },
  f: {
    allowed: [
      'type',
      'timeLogged',
      'repSourceIp',
      'feedbackType',
      'format',
      'userAgent',
      'envId',
      'orig',
      'rcpt',
      'reportingMta',
      'dlvSourceIp',
      'reportedDomain',
      'header_From',
      'header_Return-Path',
      'header_X-job',
      'header_Subject',
    ],
    required: [
      'type',
      'timeLogged',
      'repSourceIp',
      'feedbackType',
      'format',
      'orig',
      'rcpt',
      'reportingMta',
      'dlvSourceIp',
      'reportedDomain',
      'header_From',
      'header_Return-Path',
      'header_X-job',
      'header_Subject',
    ],
  },
};

/** `2026-11-28 14:03:22-0500` → epoch seconds. */
function epoch(ts: string): number {
  return Date.parse(`${ts.slice(0, 10)}T${ts.slice(11, 19)}${ts.slice(19, 22)}:${ts.slice(22)}`) / 1000;
}

const OUR_IPS = /^(203\.0\.113|198\.51\.100)\./;
const data = () => rows.slice(1);

describe('generated day: layout', () => {
  it('starts with the union header and holds exactly the requested rows', () => {
    expect(ACCT_HEADER).toHaveLength(36);
    expect(rows[0]).toEqual([...ACCT_HEADER]);
    expect(text.startsWith(ACCT_HEADER.join(',') + '\r\n')).toBe(true);
    expect(data()).toHaveLength(ROWS);
  });

  it('terminates every record with CRLF and nothing else', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\n').length).toBe(text.split('\r\n').length);
  });

  it('gives every row every cell, and fills only the columns of its record type', () => {
    // Collect problems instead of one expect per row: 60k rows × expect() is slow.
    const problems: string[] = [];
    data().forEach((row, i) => {
      const layout = LAYOUT[row[0]];
      if (row.length !== ACCT_HEADER.length || layout === undefined) {
        problems.push(`row ${i + 1}: ${row.length} cells, type ${row[0]}`);
        return;
      }
      const filled = ACCT_HEADER.filter((_, k) => row[k] !== '');
      const foreign = without(filled, ...layout.allowed);
      const missing = without(layout.required, ...filled);
      if (foreign.length + missing.length > 0) problems.push(`row ${i + 1} (${row[0]}): fills ${foreign.join()} misses ${missing.join()}`);
    });
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('keeps vmta, source IP, pool and queue consistent', () => {
    const ipOf = new Map<string, string>();
    const problems: string[] = [];
    for (const row of data()) {
      const vmta = cell(row, 'vmta');
      if (vmta === '') continue;
      const ip = cell(row, 'dlvSourceIp');
      if ((ipOf.get(vmta) ?? ip) !== ip || !OUR_IPS.test(ip)) problems.push(`${vmta} on ${ip}`);
      ipOf.set(vmta, ip);
      if (!cell(row, 'queue').endsWith(`/${vmta}`)) problems.push(`queue ${cell(row, 'queue')} for ${vmta}`);
      if (row[0] !== 'tq' && !/^pool-(gmail|ms|yahoo|shared|tx)$/.test(cell(row, 'vmtaPool')))
        problems.push(`pool ${cell(row, 'vmtaPool')}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(ipOf.get('gm-05')).toBe('203.0.113.14');
    const queues = new Set(data().map((r) => cell(r, 'queue').split('/')[0]));
    expect(queues).toContain('yahoo.rollup');
    expect(queues).toContain('hotmail.rollup');
    expect(queues).toContain('outlook.com');
  });

  it('writes quoted texts, doubled quotes and UTF-8 domains as real files do', () => {
    expect(text).toContain('"ENHANCEDSTATUSCODES,8BITMIME,SIZE,STARTTLS,SMTPUTF8"');
    expect(data().some((r) => cell(r, 'dsnDiag').includes('in "RCPT TO:<'))).toBe(true);
    expect(text).toMatch(/"smtp;[^"\r\n]*""RCPT TO:</);
    expect(data().some((r) => cell(r, 'rcpt').endsWith('@bücher.de') && cell(r, 'dsnMta').startsWith('mx.xn--bcher-kva.de ('))).toBe(true);
  });
});

describe('generated day: time', () => {
  it('logs inside the day, in non-decreasing timeLogged order', () => {
    let last = '';
    const problems: string[] = [];
    for (const row of data()) {
      const tl = cell(row, 'timeLogged');
      if (!/^2026-11-28 \d\d:\d\d:\d\d-0500$/.test(tl) || tl < last) problems.push(`${last} then ${tl}`);
      last = tl;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    const hours = new Set(data().map((r) => cell(r, 'timeLogged').slice(11, 13)));
    expect(hours.size).toBe(24);
  });

  it('queues before logging: seconds for first attempts, longer for retries, days for expired messages', () => {
    const waits: number[] = [];
    const problems: string[] = [];
    for (const row of data()) {
      if (!['d', 'b', 't'].includes(row[0])) continue;
      const wait = epoch(cell(row, 'timeLogged')) - epoch(cell(row, 'timeQueued'));
      const expired = cell(row, 'bounceCat') === 'message-expired';
      if (wait < 0 || (expired && wait <= 86_400)) problems.push(`${row[0]} waited ${wait} s`);
      waits.push(wait);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(waits.filter((w) => w <= 5).length / waits.length).toBeGreaterThan(0.8);
    expect(waits.some((w) => w > 3600 && w < 86_400)).toBe(true);
    expect(waits.some((w) => w > 86_400)).toBe(true);
  });

  it('is busier in the evening than at 04:00', () => {
    const at = (h: string) => data().filter((r) => cell(r, 'timeLogged').slice(11, 13) === h).length;
    expect(at('20')).toBeGreaterThan(3 * at('04'));
  });
});

describe('generated day: mix and rates', () => {
  it('has the documented type mix', () => {
    const share = (t: string) => (100 * data().filter((r) => r[0] === t).length) / ROWS;
    expect(share('d')).toBeGreaterThan(82);
    expect(share('d')).toBeLessThan(87);
    expect(share('t')).toBeGreaterThan(7);
    expect(share('t')).toBeLessThan(10);
    expect(share('b')).toBeGreaterThan(3.5);
    expect(share('b')).toBeLessThan(5);
    expect(share('tq')).toBeGreaterThan(1.4);
    expect(share('tq')).toBeLessThan(2.4);
    expect(share('rb')).toBeGreaterThan(0.5);
    expect(share('rb')).toBeLessThan(1.1);
    expect(share('f')).toBeGreaterThan(0.01);
    expect(share('f')).toBeLessThan(0.15);
  });

  const provider = (row: string[]): string => {
    const domain = (cell(row, 'rcpt') || cell(row, 'queue')).split(/[@/]/).at(row[0] === 'tq' ? 0 : -1) ?? '';
    if (/^(gmail|googlemail)\.com$/.test(domain)) return 'gmail';
    if (/^(hotmail|outlook|live|msn)\./.test(domain)) return 'microsoft';
    if (/^(yahoo|aol|ymail|verizon)\./.test(domain)) return 'yahoo';
    return 'other';
  };
  const deferral = (keep: (row: string[]) => boolean) => {
    const attempts = data().filter((r) => ['d', 'b', 't'].includes(r[0]) && keep(r));
    return attempts.filter((r) => r[0] === 't').length / attempts.length;
  };

  it('defers ~4 % at Gmail and under 2 % at Microsoft and Yahoo', () => {
    expect(deferral((r) => provider(r) === 'gmail')).toBeGreaterThan(0.03);
    expect(deferral((r) => provider(r) === 'gmail')).toBeLessThan(0.05);
    expect(deferral((r) => provider(r) === 'microsoft')).toBeLessThan(0.02);
    expect(deferral((r) => provider(r) === 'yahoo')).toBeLessThan(0.02);
  });

  it('has the 02:00-04:00 Gmail incident on 203.0.113.14', () => {
    const incident = (r: string[]) =>
      cell(r, 'dlvSourceIp') === '203.0.113.14' &&
      cell(r, 'timeLogged').slice(11, 13) >= '02' &&
      cell(r, 'timeLogged').slice(11, 13) < '04';
    expect(deferral(incident)).toBeGreaterThan(0.15);
    expect(deferral((r) => provider(r) === 'gmail' && !incident(r))).toBeLessThan(0.05);
    const deferrals = data().filter((r) => incident(r) && r[0] === 't');
    expect(deferrals.every((r) => cell(r, 'dsnDiag').startsWith('smtp;421 4.7.28 [203.0.113.14 '))).toBe(true);
    expect(data().some((r) => incident(r) && r[0] === 'b' && cell(r, 'dsnDiag').startsWith('smtp;550 5.7.1 [203.0.113.14 '))).toBe(true);
  });

  it('has ~0.8 % hard bounces overall and a bad list in cmp-20261128-03', () => {
    const hardRate = (keep: (row: string[]) => boolean) => {
      const done = data().filter((r) => (r[0] === 'd' || r[0] === 'b') && keep(r));
      const hard = done.filter(
        (r) =>
          r[0] === 'b' &&
          ['bad-mailbox', 'bad-domain', 'inactive-mailbox'].includes(cell(r, 'bounceCat')) &&
          cell(r, 'dsnStatus').startsWith('5.'),
      );
      return hard.length / done.length;
    };
    expect(hardRate(() => true)).toBeGreaterThan(0.005);
    expect(hardRate(() => true)).toBeLessThan(0.011);
    expect(hardRate((r) => cell(r, 'jobId') === 'cmp-20261128-03')).toBeGreaterThan(0.018);
  });

  it('takes complaints from feedback-loop providers, with the provider as dlvSourceIp', () => {
    const complaints = data().filter((r) => r[0] === 'f');
    expect(complaints.length).toBeGreaterThan(5);
    for (const r of complaints) {
      expect(cell(r, 'dlvSourceIp')).not.toMatch(OUR_IPS);
      expect(cell(r, 'repSourceIp')).toBe('192.0.2.25');
      expect(cell(r, 'feedbackType')).toBe('abuse');
      expect(['yahoo', 'microsoft', 'other']).toContain(provider(r));
      expect(cell(r, 'format')).toBe(provider(r) === 'microsoft' ? 'jmrp' : 'arf');
      expect(cell(r, 'header_Return-Path')).toBe(`<${cell(r, 'orig')}>`);
    }
    expect(complaints.some((r) => provider(r) === 'gmail')).toBe(false);
    const delivered = data().filter((r) => r[0] === 'd').length;
    expect(complaints.length / delivered).toBeLessThan(0.0015);
  });
});

describe('writeDay / writeSingleFile', () => {
  const opts = { rows: 6_000, seed: 7, files: 3 };

  it('is deterministic: same options, same bytes; another seed, other bytes', async () => {
    const a = await writeDay(join(dir, 'a'), opts);
    const b = await writeDay(join(dir, 'b'), opts);
    const c = await writeDay(join(dir, 'c'), { ...opts, seed: 8 });
    expect(a.map((p) => basename(p))).toEqual(['acct-2026-11-28-0000.csv', 'acct-2026-11-28-0001.csv', 'acct-2026-11-28-0002.csv']);
    for (let i = 0; i < 3; i++) {
      expect((await readFile(a[i])).equals(await readFile(b[i]))).toBe(true);
      expect((await readFile(a[i])).equals(await readFile(c[i]))).toBe(false);
    }
  });

  it('splits the day by time: rotated files concatenate to the single file', async () => {
    const paths = await writeDay(join(dir, 'split'), opts);
    await writeSingleFile(join(dir, 'whole.csv'), opts);
    const header = ACCT_HEADER.join(',') + '\r\n';
    const parts = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    for (const part of parts) expect(part.startsWith(header)).toBe(true);
    expect(header + parts.map((p) => p.slice(header.length)).join('')).toBe(await readFile(join(dir, 'whole.csv'), 'utf8'));
    const lastHour = (p: string) => /^\w+,\d{4}-\d\d-\d\d (\d\d):/.exec(p.trimEnd().split('\r\n').at(-1) ?? '')?.[1];
    expect(Number(lastHour(parts[0]))).toBeLessThan(8);
    expect(Number(lastHour(parts[1]))).toBeLessThan(16);
  });

  it('gzips the requested files with the same content as the plain slice', async () => {
    const plain = await writeDay(join(dir, 'plain'), opts);
    const zipped = await writeDay(join(dir, 'zipped'), { ...opts, gzip: [1] });
    expect(basename(zipped[1])).toBe('acct-2026-11-28-0001.csv.gz');
    expect(gunzipSync(await readFile(zipped[1])).equals(await readFile(plain[1]))).toBe(true);
    expect((await readFile(zipped[0])).equals(await readFile(plain[0]))).toBe(true);
  });

  it('follows the date and offset it is given', async () => {
    const [path] = await writeDay(join(dir, 'other-day'), { rows: 2_000, date: '2025-03-01', tzOffset: '+0100' });
    expect(basename(path)).toBe('acct-2025-03-01-0000.csv');
    const day = (parse(await readFile(path, 'utf8')) as string[][]).slice(1);
    expect(day.every((r) => /^2025-03-01 \d\d:\d\d:\d\d\+0100$/.test(cell(r, 'timeLogged')))).toBe(true);
    expect(day.some((r) => cell(r, 'jobId') === 'cmp-20250301-02')).toBe(true);
  });

  it('rejects impossible options', async () => {
    await expect(writeSingleFile(join(dir, 'x.csv'), { date: '2026-02-30' })).rejects.toThrow(/does not exist/);
    await expect(writeSingleFile(join(dir, 'x.csv'), { tzOffset: '-05:00' })).rejects.toThrow(/tzOffset/);
    await expect(writeDay(join(dir, 'x'), { files: 0 })).rejects.toThrow(/files/);
  });
});
