/**
 * A PowerMTA stand-in for the tail tests: writes accounting rows to a live file, rotates it the
 * way PowerMTA does (rename to NAME-YYYY-MM-DD-NNNN.csv, optionally into a move-to directory, and
 * a new live file starting with its header), and keeps a log of every row it wrote, from which the
 * expected counts are computed independently of pmta-acct's parser.
 */
import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const HEADER =
  'type,timeLogged,timeQueued,orig,rcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,dlvSourceIp,dlvSize,vmta,jobId,vmtaPool,queue';

const DOMAINS: readonly [string, string][] = [
  ['gmail.com', 'gmail'],
  ['yahoo.com', 'yahoo'],
  ['outlook.com', 'microsoft'],
  ['example.org', 'other'],
];
const IPS = ['198.51.100.1', '198.51.100.2', '203.0.113.9'];

export interface WrittenRow {
  readonly file: string;
  readonly type: 'd' | 't' | 'b' | 'f';
  readonly hard: boolean;
  readonly isp: string;
  readonly ip: string;
  readonly size: number;
}

export interface Expected {
  rows: number;
  delivered: number;
  deferred: number;
  bounced: number;
  hardBounced: number;
  complaints: number;
  deliveredBytes: number;
  byIsp: Record<string, number>;
}

/** mulberry32: deterministic for a seed. */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export class AcctWriter {
  readonly dir: string;
  readonly live: string;
  readonly log: WrittenRow[] = [];
  private fd: number;
  private seq = 0;
  private n = 0;
  private readonly rand: () => number;
  private readonly t0: number;
  /** The bytes of a row started with partial() and not finished yet. */
  private partialRest: Buffer | null = null;
  private partialRow: WrittenRow | null = null;
  /** Seconds between consecutive rows' timeLogged. */
  readonly step: number;

  /** The live file's name without `.csv` (rotated names start with it). */
  readonly name: string;

  constructor(dir: string, seed = 1, opts: { step?: number; start?: number; name?: string } = {}) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.name = opts.name ?? 'acct';
    this.live = join(dir, `${this.name}.csv`);
    this.rand = rng(seed);
    this.step = opts.step ?? 7;
    this.t0 = opts.start ?? Date.UTC(2026, 10, 28, 10, 0, 0) / 1000;
    this.fd = openSync(this.live, 'a');
    writeSync(this.fd, `${HEADER}\r\n`);
  }

  private time(t: number): string {
    const d = new Date(t * 1000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0000`;
  }

  /** The next row's text and what it means. */
  private next(file: string): { text: string; row: WrittenRow } {
    const r = this.rand();
    const type: WrittenRow['type'] = r < 0.7 ? 'd' : r < 0.85 ? 't' : r < 0.95 ? 'b' : 'f';
    const hard = type === 'b' && this.rand() < 0.4;
    const [domain, isp] = DOMAINS[Math.floor(this.rand() * DOMAINS.length)];
    const ip = type === 'f' ? '' : IPS[Math.floor(this.rand() * IPS.length)];
    const size = type === 'd' ? 1 + Math.floor(this.rand() * 1_000_000) : 0;
    const t = this.t0 + this.n * this.step;
    this.n++;
    const diag =
      type === 'd'
        ? '"smtp;250 2.0.0 OK, ""queued"" – id=' + this.n + '"'
        : type === 'b'
          ? 'smtp;550 5.1.1 no such user'
          : 'smtp;421 try later';
    const cat = type === 'b' ? (hard ? 'bad-mailbox' : 'quota-issues') : '';
    const text =
      [
        type,
        this.time(t),
        this.time(t - 3),
        'news@sender.example',
        `user${this.n}@${domain}`,
        type === 'd' ? 'relayed' : 'failed',
        type === 'd' ? '2.0.0' : '5.0.0',
        diag,
        `mx.${domain}`,
        cat,
        ip,
        type === 'd' ? String(size) : '',
        `vmta${ip.slice(-1)}`,
        `job${this.n % 5}`,
        'pool-a',
        `${domain}/vmta${ip.slice(-1)}`,
      ].join(',') + '\r\n';
    return { text, row: { file, type, hard, isp, ip, size } };
  }

  /** Append n rows (to the live file, or to an old descriptor kept after a rotation). */
  rows(n: number, fd = this.fd, file = this.live): void {
    if (this.partialRest !== null) throw new Error('finish the partial row first');
    let text = '';
    for (let i = 0; i < n; i++) {
      const { text: t, row } = this.next(file);
      text += t;
      this.log.push(row);
    }
    writeSync(fd, text);
  }

  /** Write the first `bytes` bytes of the next row (it counts once complete()). */
  partial(bytes: number): Buffer {
    const { text, row } = this.next(this.live);
    const buf = Buffer.from(text);
    const k = Math.min(bytes, buf.length - 1);
    writeSync(this.fd, buf.subarray(0, k));
    this.partialRest = buf.subarray(k);
    this.partialRow = row;
    return buf;
  }

  /** The writer died mid-row: the partial row is never completed (and never counted). */
  abandonPartial(): void {
    this.partialRest = null;
    this.partialRow = null;
  }

  complete(): void {
    if (this.partialRest === null || this.partialRow === null) return;
    writeSync(this.fd, this.partialRest);
    this.log.push(this.partialRow);
    this.partialRest = null;
    this.partialRow = null;
  }

  /**
   * PowerMTA's rotation: rename the live file to its dated name (in `moveTo` if given) and start
   * a new live file with the header. With keepOld the old descriptor is returned, still open.
   */
  rotate(opts: { moveTo?: string; keepOld?: boolean; newLive?: string } = {}): { path: string; fd: number | null } {
    const dir = opts.moveTo ?? this.dir;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${this.name}-2026-11-28-${pad(this.seq++, 4)}.csv`);
    renameSync(this.live, path);
    const old = this.fd;
    // newLive: an empty file (made beforehand, e.g. to hold a given inode) becomes the new live file.
    if (opts.newLive !== undefined) renameSync(opts.newLive, this.live);
    this.fd = openSync(this.live, 'a');
    writeSync(this.fd, `${HEADER}\r\n`);
    for (const row of this.log) if (row.file === this.live) (row as { file: string }).file = path;
    if (opts.keepOld) return { path, fd: old };
    closeSync(old);
    return { path, fd: null };
  }

  /** An operator's job: gzip a rotated file and remove the original. */
  gzip(path: string): string {
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    unlinkSync(path);
    for (const row of this.log) if (row.file === path) (row as { file: string }).file = `${path}.gz`;
    return `${path}.gz`;
  }

  /**
   * gzip(1) as it runs: the .gz exists before all its bytes are written (it creates its output
   * first, then writes it block by block): empty, or its first `written` bytes; the function
   * returned writes the rest and removes the original.
   */
  gzipInSteps(path: string, written = 0): () => string {
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)).subarray(0, written));
    return () => this.gzip(path);
  }

  remove(path: string): void {
    unlinkSync(path);
  }

  /** logrotate's copytruncate: copy the live file to a rotated name, then truncate it (and a new header). */
  copyTruncate(): string {
    const path = join(this.dir, `${this.name}-2026-11-28-${pad(this.seq++, 4)}.csv`);
    copyFileSync(this.live, path);
    for (const row of this.log) if (row.file === this.live) (row as { file: string }).file = path;
    this.truncateLive();
    return path;
  }

  /** Truncate the live file to nothing and write a header again (copytruncate's second half). */
  truncateLive(): void {
    ftruncateSync(this.fd, 0);
    writeSync(this.fd, `${HEADER}\r\n`);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Expected counts from the log (optionally only of the rows `keep` says, by index in the log). */
  expected(keep: (row: WrittenRow, index: number) => boolean = () => true): Expected {
    const e: Expected = { rows: 0, delivered: 0, deferred: 0, bounced: 0, hardBounced: 0, complaints: 0, deliveredBytes: 0, byIsp: {} };
    for (const [i, r] of this.log.entries()) {
      if (!keep(r, i)) continue;
      e.rows++;
      if (r.type === 'd') {
        e.delivered++;
        e.deliveredBytes += r.size;
      } else if (r.type === 't') e.deferred++;
      else if (r.type === 'b') {
        e.bounced++;
        if (r.hard) e.hardBounced++;
      } else e.complaints++;
      e.byIsp[r.isp] = (e.byIsp[r.isp] ?? 0) + 1;
    }
    return e;
  }
}
