/**
 * One accounting file being followed: its state row, its descriptor (held until the file is read
 * to its end and has stayed put, so a rotated file is drained through the descriptor even after it
 * was renamed or deleted), and its own RecordReader, whose `offset` is the line-aligned point a
 * commit stores. Reads are positional and synchronous: no reopening by path, no await per chunk.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { makeHeader, type Header } from '../parse/header.js';
import type { ProblemLog } from '../parse/problems.js';
import { RecordReader, type RecordSink } from '../parse/reader.js';
import type { ScannerPool } from '../parse/scanner.js';
import type { RecordView } from '../parse/record-view.js';
import { backToLive, checkpointed, drained, firstRecord, grew, renamed, restarted, rotated, sized, type FileRow } from './file-row.js';
import { fingerprintOf, firstRecordOf, fstatBig, markerMatches, readHead, tailMarker, type FileKey } from './file-identity.js';
import { messageOf } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { gzipComplete, streamGzip } from './feed.js';

export interface ReadLimits {
  readonly chunkSize: number;
  readonly maxRecordBytes: number;
  readonly maxRecordLines: number;
  /** Scanners shared by the files read in turn (one per open file, not one per file ever read). */
  readonly scanners?: ScannerPool;
}

export type Role = 'live' | 'rotated';

const HEAD_CAPTURE = 64 * 1024;
const FP_CHECK_BYTES = 64 * 1024;

export class TrackedFile {
  readonly row: FileRow;
  fd: number | null = null;
  reader: RecordReader | null = null;
  /** Absolute offset of the next byte to hand to the reader. */
  readPos = 0;
  /** Size at the last look (decompressed bytes read so far for .gz). */
  size = 0;
  /** Elapsed-clock ms of the last growth, of the rotation, or of opening the file in this process. */
  private grownAt: number;
  private currentRole: Role;
  /** Offset of the header row in effect at the reader's position (null: none, or --header). */
  headerOffset: number | null;
  /** The row differs from what is stored. */
  private dirty = true;
  /**
   * The file's first bytes as read, kept until they hold a first record: the fingerprint is taken
   * of what was counted, not of what the file holds later (it may have been truncated since).
   */
  private capturing = false;
  /** Allocated at the first read: a catch-up sets up every rotated file before reading any. */
  private head: Buffer | null = null;
  private headLen = 0;
  /**
   * The tail marker at the reader's offset, taken right after the bytes were read: a commit later
   * must not take it from what the file holds by then (truncated and rewritten in between, the
   * marker would vouch for bytes that were never read).
   */
  private marker: { offset: number; len: number; hash: string | null } | null = null;
  private readonly sink: RecordSink;
  private readonly problems: ProblemLog;
  private readonly limits: ReadLimits;

  private readonly clock: Clock;

  constructor(row: FileRow, role: Role, sink: RecordSink, problems: ProblemLog, limits: ReadLimits, clock: Clock) {
    this.row = row;
    this.currentRole = role;
    this.sink = sink;
    this.problems = problems;
    this.limits = limits;
    this.clock = clock;
    this.grownAt = clock.elapsed();
    this.headerOffset = row.headerOffset;
    this.size = row.size;
  }

  get role(): Role {
    return this.currentRole;
  }

  /** Elapsed-clock ms of the last growth, of the rotation, or of opening the file in this process. */
  get lastGrowth(): number {
    return this.grownAt;
  }

  /** The live path now names another file: this one is read on as a rotated file. */
  rotatedAway(): void {
    this.currentRole = 'rotated';
    rotated(this.row, Math.floor(this.clock.now() / 1000));
    this.grownAt = this.clock.elapsed();
    this.dirty = true;
  }

  /** Back at the live path (renamed back). */
  backAtLive(live: string): void {
    this.currentRole = 'live';
    backToLive(this.row, live);
    this.dirty = true;
  }

  /** A rename of the file being read: only its name changed. */
  renamedTo(path: string): void {
    renamed(this.row, path);
    this.dirty = true;
  }

  get key(): FileKey {
    return { dev: this.row.dev, ino: this.row.ino };
  }

  get open(): boolean {
    return this.reader !== null;
  }

  /** Open the descriptor of a plain file (the caller checked identity) and set up reading at the row's offset. */
  openPlain(fd?: number): void {
    this.fd = fd ?? openSync(this.row.path, 'r');
    this.startReader(this.row.offset, this.row.line, this.row.header);
    this.size = Number(fstatBig(this.fd).size);
    // Resumed (its bytes up to the offset just checked): the first record, if the row lacks it.
    if (this.row.offset > 0 && !this.row.gz) this.noteRead(this.fd, this.row.offset);
  }

  /** A reader at `offset` under `header` names (null: none yet). */
  startReader(offset: number, line: number, header: readonly string[] | null): void {
    const sink = this.sink;
    const adapter: RecordSink = {
      header: (h: Header, view: RecordView) => {
        this.headerOffset = view.offset;
        sink.header(h, view);
      },
      record: (view: RecordView) => {
        sink.record(view);
      },
    };
    this.reader?.release();
    this.reader = new RecordReader(adapter, this.problems, {
      file: this.row.path,
      scanners: this.limits.scanners,
      chunkSize: this.limits.chunkSize,
      maxRecordBytes: this.limits.maxRecordBytes,
      maxRecordLines: this.limits.maxRecordLines,
      header: header === null ? undefined : makeHeader(header),
      startOffset: offset,
      startLine: line,
    });
    if (header === null) this.headerOffset = null;
    this.readPos = offset;
    this.capturing = offset === 0 && this.row.fp === null;
    this.head = null;
    this.headLen = 0;
  }

  /** Keep the first bytes read (see `head`) and take the fingerprint once they hold a record. */
  private noteHead(bytes: Buffer, n: number, at: number): void {
    if (!this.capturing || at !== this.headLen) return;
    this.head ??= Buffer.alloc(HEAD_CAPTURE);
    const head = this.head;
    const k = Math.min(n, head.length - this.headLen);
    bytes.copy(head, this.headLen, 0, k);
    this.headLen += k;
    const fp = fingerprintOf(head.subarray(0, this.headLen));
    if (fp !== null || this.headLen >= head.length) {
      this.capturing = false;
      this.head = null;
      if (fp !== null) {
        firstRecord(this.row, fp);
        this.dirty = true;
      }
    }
  }

  /** Start over at byte 0 (truncation, rewrite): the old content was counted as it was read. */
  restart(): void {
    restarted(this.row);
    this.startReader(0, 1, null);
    this.dirty = true;
  }

  /**
   * Read what a plain file has beyond readPos, at most `budget` bytes; `between` runs after every
   * chunk (the session commits there when one is due). Returns the bytes read.
   */
  readPlain(budget: number, between: () => void): number {
    const reader = this.reader;
    const fd = this.fd;
    if (reader === null || fd === null) return 0;
    const size = Number(fstatBig(fd).size);
    if (size !== this.size) {
      this.size = size;
      this.grownAt = this.clock.elapsed();
      grew(this.row, Math.floor(this.clock.now() / 1000));
      this.dirty = true;
    }
    let done = 0;
    while (this.readPos < size && done < budget) {
      const space = reader.space();
      const want = Math.min(space.length, size - this.readPos);
      const n = readSyncAt(fd, space, want, this.readPos);
      if (n === 0) break;
      if (this.capturing) this.noteHead(space, n, this.readPos);
      this.readPos += n;
      done += n;
      reader.written(n);
      this.noteRead(fd, reader.offset);
      between();
    }
    // A rotated file at its end waits for the rotate-wait with nothing to read: its scanner can
    // serve the next file meanwhile (the live file keeps its own, it is read every poll).
    if (this.role === 'rotated' && this.readPos >= size) reader.release();
    return done;
  }

  /** Right after a read: the marker at the new offset, and the first record once it was read. */
  private noteRead(fd: number, offset: number): void {
    if (this.marker?.offset !== offset) this.marker = { offset, ...tailMarker(fd, offset) };
    if (this.row.fp === null && !this.capturing) {
      const first = firstRecordOf(readHead(fd));
      if (first !== null && first.end <= offset) {
        firstRecord(this.row, first.fp);
        this.dirty = true;
      }
    }
  }

  /** The file shrank below what was read, or no longer holds the committed bytes. */
  changedUnderneath(): 'truncated' | 'rewritten' | null {
    if (this.fd === null || this.row.gz) return null;
    const size = Number(fstatBig(this.fd).size);
    if (size < this.readPos) return 'truncated';
    if (size === this.size) return null;
    if (!markerMatches(this.fd, this.row.offset, { len: this.row.tailLen, hash: this.row.tailHash })) return 'rewritten';
    // Truncated and written past the old size between two looks: the first record tells.
    if (this.row.fp !== null && !this.capturing && fingerprintOf(readHead(this.fd, FP_CHECK_BYTES)) !== this.row.fp) return 'rewritten';
    return null;
  }

  /**
   * Before starting over (truncated, rewritten): the old content as a row of its own, known by its
   * first record and the offset read, so that a copy of it (copytruncate) is read on from there
   * and not counted twice.
   */
  snapshot(): FileRow | null {
    const reader = this.reader;
    if (this.row.fp === null || reader === null) return null;
    return {
      ...this.row,
      id: 0,
      dev: '-',
      ino: '-',
      state: 'drained',
      offset: reader.offset,
      line: reader.line,
      header: reader.header === undefined ? null : [...reader.header.names],
      headerOffset: this.headerOffset,
      // The size last seen, not the offset read: a copy may hold bytes read by nobody yet.
      size: Math.max(reader.offset, this.size),
      tailLen: 0,
      tailHash: null,
    };
  }

  /**
   * Read a .gz on from the row's offset (decompressed bytes) to its end. Null when the file does
   * not decompress to its end (still being written, or damaged): nothing was read, try later.
   * `damaged`: it is known not to be written any more: read what decompresses, and report where
   * it ends (CORRUPT_INPUT), as report does over such a file.
   */
  async readGzip(between: () => void, damaged = false): Promise<number | null> {
    if (this.reader === null) {
      if (!damaged && !(await gzipComplete(this.row.path))) return null;
      this.startReader(this.row.offset, this.row.line, this.row.header);
    }
    const reader = this.reader;
    if (reader === null) return 0;
    const before = this.readPos;
    try {
      this.size = await streamGzip(this.row.path, this.readPos, (chunk) => {
        reader.write(chunk);
        this.readPos += chunk.length;
        between();
      });
    } catch (err) {
      if (!damaged) throw err;
      this.problems.add({
        code: 'CORRUPT_INPUT',
        file: this.row.path,
        line: reader.line,
        byte: reader.offset,
        message: `the gzip file ends early or is damaged (${messageOf(err)}) and has not changed for the rotate-wait; records up to here are counted`,
        excerpt: '',
      });
      this.size = this.readPos;
    }
    return this.readPos - before;
  }

  /**
   * Read to its end: the row says drained and the descriptor closes. A last record without its
   * line end is reported (TRUNCATED_RECORD), not counted, and never glued to another file.
   */
  finish(): boolean {
    const reader = this.reader;
    if (reader === null) return false;
    this.checkpoint();
    const cut = reader.pending > 0;
    if (cut) {
      this.problems.add({
        code: 'TRUNCATED_RECORD',
        file: this.row.path,
        line: reader.line,
        byte: reader.offset,
        message: `the file ends inside a record (${reader.pending} bytes without a line end) that was never completed; not counted`,
        excerpt: '',
      });
    }
    drained(this.row, this.size, cut ? { offset: this.readPos, line: reader.line + 1 } : null);
    this.close();
    return true;
  }

  /** Whether the plain file open here starts, now, with the first record that `fp` fingerprints. */
  startsWith(fp: string): boolean {
    if (this.fd === null || this.row.gz) return false;
    return fingerprintOf(readHead(this.fd)) === fp;
  }

  /** Bytes on disk not yet handed on as records. */
  get lag(): number {
    if (this.reader === null) return 0;
    return Math.max(0, this.size - this.reader.offset);
  }

  /** Bring the row up to date with the reader (inside a commit). Returns whether it changed. */
  checkpoint(): boolean {
    const reader = this.reader;
    if (reader !== null) {
      const offset = reader.offset;
      if (offset !== this.row.offset || this.dirty) {
        const marker = this.fd === null || this.row.gz ? null : this.marker?.offset === offset ? this.marker : tailMarker(this.fd, offset);
        const header = reader.header === undefined ? null : [...reader.header.names];
        checkpointed(this.row, { offset, line: reader.line, header, headerOffset: this.headerOffset }, marker);
        this.dirty = true;
      }
    }
    sized(this.row, this.size);
    const changed = this.dirty;
    this.dirty = false;
    return changed;
  }

  /** Close the descriptor: read to the end, or given up. */
  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    this.reader?.release();
    this.reader = null;
  }
}

function readSyncAt(fd: number, buf: Buffer, length: number, position: number): number {
  return readSync(fd, buf, 0, length, position);
}
