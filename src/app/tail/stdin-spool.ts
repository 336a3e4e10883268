/**
 * PowerMTA's pipe target (`<acct-file |/usr/bin/pmta-acct tail --stdin ...>`) made into files the
 * follower already reads exactly once. What arrives on standard input is written to spool files in
 * the state directory (`spool/`), and tail follows them as it follows PowerMTA's own files: from
 * the moment bytes are in the spool, a crash, kill -9 or restart replays exactly what was not
 * committed (the offsets are committed with the counts, and the spool is synced to disk before each
 * commit, so no committed offset points past what a power cut keeps). Lost can be only what never
 * reached the spool (README "PowerMTA's pipe target").
 *
 * The tail that holds the state writes the live spool, `spool/pipe.csv`, and cuts it off under a
 * rotated name (`pipe-YYYY-MM-DD-<ms of the day>.csv`) at each start and when it reaches maxBytes.
 * A program that cannot have the state (PowerMTA restarted the pipe and the other program still
 * holds it) hands its input over: complete files written whole under a hidden name and then given
 * a rotated name, which the holder reads as rotated files never seen. Only complete records are
 * written (the one RecordReader finds where they end; an incomplete one waits in memory), except
 * at the end of input, so every file can be cut anywhere; each starts with the header in effect.
 * Published spool files are never written again, and are deleted once read and committed.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { ProblemLog } from '../../parse/problems.js';
import { RecordReader } from '../../parse/reader.js';
import { parseRotationName } from '../../source/rotation-name.js';
import type { FileRow } from '../../source/file-row.js';

const STEM = 'pipe';

/** The live spool file of a state: what `tail --stdin` follows. */
export function spoolLive(stateDir: string): string {
  return join(stateDir, 'spool', `${STEM}.csv`);
}

/** A header row as the spool writes it at the top of a file it starts. */
function headerLine(names: readonly string[]): Buffer {
  const cell = (n: string) => (/[",\r\n]/.test(n) ? `"${n.replace(/"/g, '""')}"` : n);
  return Buffer.from(`${names.map(cell).join(',')}\r\n`);
}

function errno(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

export interface SpoolOptions {
  /** The live spool is cut at the first record start at or past this size. */
  readonly maxBytes: number;
  /** Wall clock (ms), for the date in rotated names. */
  readonly now?: () => number;
}

export class StdinSpool {
  readonly dir: string;
  readonly live: string;
  private readonly opts: SpoolOptions;
  /** The live spool while this process holds the state; null while it hands its input over. */
  private fd: number | null = null;
  /** Bytes in the live spool file. */
  private size = 0;
  /** Where the stream's complete records end (the reader's resume point), and its header. */
  private readonly reader: RecordReader;
  /** Header rows of the stream (where each starts), the last one before `written` and every one after. */
  private headers: { at: number; names: readonly string[] }[] = [];
  /** Stream offsets where records start, from `written` on: where the live spool can be cut. */
  private starts: number[] = [];
  /** Bytes received and not written yet, from stream offset `written`. */
  private held: Buffer = Buffer.alloc(0);
  private written = 0;
  private unsynced = false;
  private ended = false;
  private lastSeq = { date: '', seq: -1 };
  private parts = 0;
  /** Bytes received from standard input. */
  received = 0;
  /** Bytes of an incomplete last record written at the end of input (tail reports it, never counts it). */
  trailing = 0;

  constructor(stateDir: string, opts: SpoolOptions) {
    this.dir = join(stateDir, 'spool');
    this.live = spoolLive(stateDir);
    this.opts = opts;
    this.reader = new RecordReader(
      {
        header: (h, view) => {
          this.headers.push({ at: view.offset, names: h.names });
          this.starts.push(view.offset);
        },
        record: (view) => {
          this.starts.push(view.offset);
        },
      },
      new ProblemLog(0),
      { file: '(stdin)', chunkSize: 256 * 1024 },
    );
  }

  /** Take what arrived: complete records go to the live spool now (holder), or wait for handOff(). */
  append(chunk: Buffer): void {
    if (this.ended) throw new Error('StdinSpool: append() after end()');
    this.received += chunk.length;
    this.held = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    this.reader.write(chunk);
    this.retry();
  }

  /** Holding the state: write what is held and complete (all of it after the end of input); throws when the disk does. */
  retry(): void {
    if (this.fd !== null) this.flush(this.ended ? this.held.length : this.reader.offset - this.written);
  }

  /** Bytes held in memory (input not in the spool yet). */
  get pending(): number {
    return this.held.length;
  }

  get holding(): boolean {
    return this.fd !== null;
  }

  /** Bytes in the live spool file. */
  get liveBytes(): number {
    return this.size;
  }

  /**
   * The end of input: what is held is written (an incomplete last record as it is: tail reports
   * it), to the live spool or as a last hand-over.
   */
  end(): void {
    if (this.ended) return;
    // Bytes after the last complete record: the reader would take them for a last record at finish().
    this.trailing = this.written + this.held.length - this.reader.offset;
    this.reader.finish();
    this.ended = true;
    if (this.fd !== null) this.flush(this.held.length);
    else this.handOff();
  }

  /** The header row to start a file with at the stream's `written`, unless the bytes there start with one. */
  private headerFor(): Buffer | null {
    let names: readonly string[] | null = null;
    for (const h of this.headers) {
      if (h.at === this.written) return null;
      if (h.at < this.written) names = h.names;
    }
    return names === null ? null : headerLine(names);
  }

  /**
   * Not holding the state: write the complete records held (all held at the end of input) to a
   * file of their own, whole, and publish it under a rotated name for the holder to read.
   */
  handOff(): string | null {
    if (this.fd !== null) return null;
    const n = this.ended ? this.held.length : this.reader.offset - this.written;
    if (n <= 0) return null;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const part = join(this.dir, `.${STEM}-${process.pid}-${this.parts++}.part`);
    const fd = openSync(part, 'wx', 0o600);
    try {
      const head = this.headerFor();
      if (head !== null) writeAll(fd, head);
      writeAll(fd, this.held.subarray(0, n));
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.held = this.held.subarray(n);
    this.written += n;
    this.forget();
    return this.publish(part);
  }

  /** This process holds the state now: a live spool left by another is cut off, and this one starts. */
  takeOver(): void {
    if (this.fd !== null) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (existsSync(this.live) && statSync(this.live).size > 0) this.publish(this.live);
    this.fd = openSync(this.live, 'a', 0o600);
    this.size = 0;
    const head = this.headerFor();
    if (head !== null && this.held.length > 0) {
      writeAll(this.fd, head);
      this.size = head.length;
      this.unsynced = true;
    }
    this.flush(this.ended ? this.held.length : this.reader.offset - this.written);
  }

  /** Write n held bytes to the live spool, cut off at the first record start at or past maxBytes. */
  private flush(n: number): void {
    if (this.fd === null) return;
    while (n > 0) {
      let take = n;
      if (!this.ended && this.size + n > this.opts.maxBytes) {
        const want = this.written + Math.max(1, this.opts.maxBytes - this.size);
        const cut = this.starts.find((at) => at >= want && at < this.written + n);
        if (cut !== undefined) take = cut - this.written;
      }
      try {
        writeAll(this.fd, this.held.subarray(0, take));
      } catch (err) {
        // Disk full, say: the file keeps only whole writes, and the bytes stay held for the next try.
        try {
          ftruncateSync(this.fd, this.size);
        } catch {
          // not a regular file (a test's /dev/full): nothing was written to take back
        }
        throw err;
      }
      this.held = this.held.subarray(take);
      this.written += take;
      this.size += take;
      this.unsynced = true;
      n -= take;
      // The file ends at a record boundary here (only the end of input writes an incomplete record).
      if (this.size >= this.opts.maxBytes && !this.ended) this.rotate();
    }
    this.forget();
  }

  /** Record starts already written are no longer cut points; of the headers before, the last is kept. */
  private forget(): void {
    let k = 0;
    while (k < this.starts.length && this.starts[k] < this.written) k++;
    if (k > 0) this.starts = this.starts.slice(k);
    let h = 0;
    while (h + 1 < this.headers.length && this.headers[h + 1].at < this.written) h++;
    if (h > 0) this.headers = this.headers.slice(h);
  }

  /** Make what was written durable: before a commit records offsets in it. */
  sync(): void {
    if (!this.unsynced || this.fd === null) return;
    fdatasyncSync(this.fd);
    this.unsynced = false;
  }

  /**
   * A rotated name no file in the spool has, pipe-YYYY-MM-DD-<ms of the day>.csv, after every one
   * present: files are deleted once counted, and a name never comes back (a new file under an old
   * name, maybe on the old file's inode, must never be taken for the old one).
   */
  private nextName(): string {
    const now = this.opts.now?.() ?? Date.now();
    const date = new Date(now).toISOString().slice(0, 10);
    let seq = Math.max(now % 86_400_000, this.lastSeq.date === date ? this.lastSeq.seq + 1 : 0);
    for (const name of readdirSync(this.dir)) {
      const r = parseRotationName(name);
      if (r !== undefined && r.stem === STEM && r.date === date) seq = Math.max(seq, r.seq + 1);
    }
    this.lastSeq = { date, seq };
    return join(this.dir, `${STEM}-${date}-${String(seq).padStart(8, '0')}.csv`);
  }

  /** Give a file a fresh rotated name: link (which never replaces a file another process published), then unlink. */
  private publish(from: string): string {
    for (;;) {
      const name = this.nextName();
      try {
        linkSync(from, name);
      } catch (err) {
        if (errno(err) === 'EEXIST') continue;
        throw err;
      }
      unlinkSync(from);
      this.syncDir();
      return name;
    }
  }

  private syncDir(): void {
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  /** Cut the live spool off at a record boundary; the new one starts with the header in effect. */
  private rotate(): void {
    if (this.fd === null) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.publish(this.live);
    this.fd = openSync(this.live, 'a', 0o600);
    this.size = 0;
    this.unsynced = false;
    const head = this.headerFor();
    if (head !== null) {
      writeAll(this.fd, head);
      this.size = head.length;
      this.unsynced = true;
    }
    this.syncDir();
  }

  /**
   * Delete published spool files the state has read to their end (rows as committed): their
   * records are counted and their offsets stored, and nothing writes them again.
   */
  cleanup(rows: readonly FileRow[]): string[] {
    const removed: string[] = [];
    for (const row of rows) {
      if (row.state !== 'drained' || row.path === this.live || !row.path.startsWith(`${this.dir}/`)) continue;
      if (parseRotationName(basename(row.path))?.stem !== STEM) continue;
      let st;
      try {
        st = statSync(row.path, { bigint: true });
      } catch {
        continue;
      }
      if (st.dev.toString() !== row.dev || st.ino.toString() !== row.ino || Number(st.size) > row.offset) continue;
      unlinkSync(row.path);
      removed.push(row.path);
    }
    return removed;
  }

  close(): void {
    if (!this.ended) this.end();
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}
