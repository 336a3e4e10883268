/**
 * Bytes in, records out. The reader owns a Scanner's input area: a source writes bytes into
 * `space()`, calls `written(n)`, and the reader hands every complete record to the sink. It knows
 * headers (the first row of a file and any later row whose first cell is `type`), blank lines,
 * BOMs, NUL runs, field counts and the record caps; everything after that is the sink's business.
 */
import { makeHeader, type Header } from './header.js';
import type { ProblemCode, ProblemLog } from './problems.js';
import { excerpt, RecordView, type ScanColumns } from './record-view.js';
import {
  HEAD_WORDS,
  META_HIGH,
  META_LINES_MASK,
  KEY_CELL,
  KEY_DOMAIN,
  SCAN_INVALID_CLOSING_QUOTE,
  Scanner,
  type ScannerPool,
} from './scanner.js';

export interface RecordSink {
  /** A header row: the columns of the records that follow. */
  header(header: Header, view: RecordView): void;
  /** A data record under the current header. */
  record(view: RecordView): void;
  /**
   * Cells the reader should read in bulk, in WebAssembly, under the current header: asked before
   * each chunk is parsed and after each header row. RecordView.scannedTime() and scannedKey()
   * hand the results out.
   */
  scanColumns?(): ScanColumns;
}

/** Defined beside the record view that holds them (the view is below the reader). */
export type { ScanColumns } from './record-view.js';

export interface ReaderOptions {
  /** The input's name in messages. */
  readonly file: string;
  /** Bytes asked of the source per read. */
  readonly chunkSize?: number;
  /** A record longer than this is bad; the reader resumes after its first line. */
  readonly maxRecordBytes?: number;
  /** A quoted field spanning this many lines is taken for an unterminated quote. */
  readonly maxRecordLines?: number;
  /** The header in effect before the first header row (a byte range of a file, `--header`). */
  readonly header?: Header;
  /** Absolute offset and 1-based line of the first byte that will be written. */
  readonly startOffset?: number;
  readonly startLine?: number;
  /** Records starting at or after this absolute offset are left alone (a byte range's end). */
  readonly endOffset?: number;
  /** Where the scanner comes from and goes back to (release()); a new one when absent. */
  readonly scanners?: ScannerPool;
}

export const DEFAULT_CHUNK = 1 << 20;
export const DEFAULT_MAX_RECORD_BYTES = 128 * 1024;
export const DEFAULT_MAX_RECORD_LINES = 32;

const LF = 10;
const NO_SCAN_COLUMNS: ScanColumns = [-1, -1, -1, -1];
const NUL = 0;

export class RecordReader {
  readonly file: string;
  readonly chunkSize: number;
  private readonly maxRecordBytes: number;
  private scanning: Scanner | null = null;
  private readonly capacity: number;
  private readonly maxLines: number;
  private readonly pool: ScannerPool | null;
  private readonly view = new RecordView();
  private readonly sink: RecordSink;
  private readonly problems: ProblemLog;
  private headerNow: Header | undefined;
  /** Bytes of input held: [0, filled) of the input area. */
  private filled = 0;
  /** Absolute offset of input byte 0. */
  private base: number;
  private lineNow: number;
  /** Inside a record that went over the byte cap: dropping bytes up to the next LF. */
  private skipping = false;
  private ended = false;
  private readonly endOffset: number;
  /** The cells scanned in bulk (RecordSink.scanColumns). */
  private scanCols: ScanColumns = NO_SCAN_COLUMNS;
  /** A record at or after endOffset was reached: everything from here on is someone else's. */
  reachedEnd = false;
  /** Data records handed to the sink, header rows seen. */
  records = 0;
  headers = 0;

  constructor(sink: RecordSink, problems: ProblemLog, options: ReaderOptions) {
    this.file = options.file;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.capacity = this.chunkSize + this.maxRecordBytes + 32;
    this.maxLines = options.maxRecordLines ?? DEFAULT_MAX_RECORD_LINES;
    this.pool = options.scanners ?? null;
    this.sink = sink;
    this.problems = problems;
    this.headerNow = options.header;
    this.base = options.startOffset ?? 0;
    this.lineNow = options.startLine ?? 1;
    this.endOffset = options.endOffset ?? Number.POSITIVE_INFINITY;
    this.view.file = this.file;
  }

  /**
   * The scanner, taken on first use: a follower sets up a reader for every rotated file it finds
   * and reads them in turn, so only the files being read hold one.
   */
  private get scanner(): Scanner {
    let s = this.scanning;
    if (s === null) {
      s = this.pool === null ? new Scanner(this.capacity, this.maxLines) : this.pool.take(this.capacity, this.maxLines);
      this.scanning = s;
      this.view.bytes = s.input;
      this.view.words = s.words;
      this.view.scanner = s;
    }
    return s;
  }

  /**
   * Give the scanner back to its pool (a reader without a pool keeps it): done with this reader,
   * or idle with nothing pending (a rotated file read to its end). The next write takes one again.
   */
  release(): void {
    if (this.filled === 0) this.giveBack();
  }

  /**
   * Done with this reader for good (a byte range read to its end leaves the bytes after it
   * unparsed): its scanner goes back to its pool whatever is pending. Nothing may be written after.
   */
  close(): void {
    this.ended = true;
    this.giveBack();
  }

  private giveBack(): void {
    if (this.scanning === null || this.pool === null) return;
    this.pool.give(this.scanning);
    this.scanning = null;
  }

  /** The header in effect now (after the last header row read). */
  get header(): Header | undefined {
    return this.headerNow;
  }

  /** Absolute offset just after the last record handed on (or skipped): a safe resume point. */
  get offset(): number {
    return this.base;
  }

  /** 1-based line number at `offset`. */
  get line(): number {
    return this.lineNow;
  }

  /** Bytes received but not yet parsed: an incomplete last record. */
  get pending(): number {
    return this.filled;
  }

  /** Where the next bytes go: at most `chunkSize` of them. */
  space(): Buffer {
    return this.scanner.input.subarray(this.filled, this.filled + this.chunkSize);
  }

  /** `n` bytes were written into `space()`: parse every record they complete. */
  written(n: number): void {
    if (this.ended) throw new Error('RecordReader: written() after finish()');
    if (this.reachedEnd) return;
    this.filled += n;
    this.parse(false);
  }

  /** Copy `chunk` in and parse (for sources that hand out their own buffers). */
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const space = this.space();
      const n = Math.min(space.length, chunk.length - at);
      space.set(chunk.subarray(at, at + n));
      at += n;
      this.written(n);
    }
  }

  /** The input ended: a last record without a line end is complete; an open quote is bad. */
  finish(): void {
    if (this.ended) return;
    if (!this.reachedEnd) this.parse(true);
    this.ended = true;
  }

  /**
   * The input broke off (a damaged or truncated .gz): the bytes of an unfinished last record are
   * dropped, not taken for a record (cut short, a bounce could lose its category, a time its
   * offset). `offset` and `line` then say where the dropped record began. Returns its length.
   */
  abandon(): number {
    if (this.ended) return 0;
    const dropped = this.reachedEnd || this.skipping ? 0 : this.filled;
    this.filled = 0;
    this.skipping = false;
    this.ended = true;
    return dropped;
  }

  private parse(final: boolean): void {
    const input = this.scanner.input;
    let pos = 0;
    if (this.skipping) {
      const lf = input.indexOf(LF, 0);
      if (lf < 0 || lf >= this.filled) {
        this.consume(this.filled);
        return;
      }
      this.skipping = false;
      this.lineNow++;
      pos = lf + 1;
    }
    const words = this.scanner.words;
    const first = this.scanner.outWord;
    const view = this.view;
    const scanner = this.scanner;
    this.askScanColumns();
    while (pos < this.filled) {
      const count = scanner.scan(pos, this.filled, final);
      if (count === 0) break;
      const next = scanner.next;
      const stop = first + count;
      this.scanCells(first, stop, 0);
      let rescan = -1;
      let entry = 0;
      for (let i = first; i < stop; entry++) {
        const start = words[i];
        if (this.base + start >= this.endOffset) {
          this.reachedEnd = true;
          this.consume(start);
          return;
        }
        const n = words[i + 1];
        const end = words[i + 2];
        const meta = words[i + 3];
        if (n < 0) {
          // A quote error found on a later line than the record's first means the quote opened on
          // the first line was never closed; the reader resumes at the second line either way.
          const errPos = words[i + 4];
          const lf = input.indexOf(LF, start);
          if (n === -SCAN_INVALID_CLOSING_QUOTE && (lf < 0 || errPos <= lf)) {
            this.bad(
              'INVALID_CLOSING_QUOTE',
              start,
              end,
              `a closing quote is followed by a character other than a comma or a line end (byte ${this.base + errPos})`,
            );
          } else {
            this.bad('UNTERMINATED_QUOTE', start, end, 'a quoted field is not closed on its line; reading resumes at the next line');
          }
          this.lineNow += meta & META_LINES_MASK;
          i += HEAD_WORDS + 1;
          continue;
        }
        if (end - start > this.maxRecordBytes) {
          // Resume after the record's first line whatever its framing, so that where the input
          // happened to be cut into chunks never changes what is read.
          const lf = input.indexOf(LF, start);
          const resume = lf >= 0 && lf < end ? lf + 1 : end;
          this.bad('RECORD_TOO_LONG', start, resume, `the record is longer than ${this.maxRecordBytes} bytes`);
          this.lineNow += lf >= 0 && lf < end ? 1 : 0;
          if (resume < end) {
            rescan = resume;
            break;
          }
          i += HEAD_WORDS + n;
          continue;
        }
        view.entry = entry;
        const headers = this.headers;
        this.handle(start, n, i + HEAD_WORDS, meta, end);
        this.lineNow += meta & META_LINES_MASK;
        i += HEAD_WORDS + n;
        // a new header may move the cells to scan: scan the rest of this batch again
        if (this.headers !== headers && this.askScanColumns()) this.scanCells(i, stop, entry + 1);
      }
      pos = rescan >= 0 ? rescan : next;
    }
    if (!final && this.filled - pos > this.maxRecordBytes && this.base + pos < this.endOffset) {
      // An incomplete record already over the cap: report it once and drop it up to its first LF.
      const lf = input.indexOf(LF, pos);
      const resume = lf >= 0 && lf < this.filled ? lf + 1 : this.filled;
      this.bad('RECORD_TOO_LONG', pos, resume, `the record is longer than ${this.maxRecordBytes} bytes`);
      if (resume === this.filled && (lf < 0 || lf >= this.filled)) this.skipping = true;
      else this.lineNow++;
      this.consume(resume);
      if (!this.skipping) this.parse(false);
      return;
    }
    this.consume(pos);
  }

  /** Ask the sink which cells to scan; true when they changed. */
  private askScanColumns(): boolean {
    const cols = this.sink.scanColumns?.() ?? NO_SCAN_COLUMNS;
    const now = this.scanCols;
    if (cols[0] === now[0] && cols[1] === now[1] && cols[2] === now[2] && cols[3] === now[3]) return false;
    this.scanCols = [cols[0], cols[1], cols[2], cols[3]];
    return true;
  }

  /** Scan the cells the sink asked for in the record entries at words [from, stop), from `entry`. */
  private scanCells(from: number, stop: number, entry: number): void {
    const [t0, t1, cell, domain] = this.scanCols;
    const view = this.view;
    const timed = t0 >= 0 || t1 >= 0;
    const keyed = cell >= 0 || domain >= 0;
    if (timed && from < stop) this.scanner.times(from, stop, entry, t0, t1);
    if (keyed && from < stop) this.scanner.keys(from, stop, entry, cell, KEY_CELL, domain, KEY_DOMAIN);
    view.timesAt = timed ? this.scanner.timesWord : -1;
    view.keysAt = keyed ? this.scanner.keysWord : -1;
    view.scanCols = this.scanCols;
  }

  /** Drop input bytes [0, n): they are parsed. */
  private consume(n: number): void {
    if (n === 0) return;
    const input = this.scanner.input;
    input.copyWithin(0, n, this.filled);
    this.filled -= n;
    this.base += n;
  }

  private handle(start: number, n: number, base: number, meta: number, end: number): void {
    const view = this.view;
    const bytes = this.scanner.input;
    view.base = base;
    view.high = (meta & META_HIGH) !== 0;
    view.line = this.lineNow;
    view.offset = this.base + start;
    let s0 = start;
    const end0 = this.scanner.words[base];
    if (bytes[s0] === NUL) {
      while (s0 < end0 && bytes[s0] === NUL) s0++;
      this.problems.add({
        code: 'NUL_BYTES',
        file: this.file,
        line: this.lineNow,
        byte: this.base + start,
        message: `${s0 - start} NUL bytes skipped (bytes ${this.base + start}-${this.base + s0 - 1})`,
        excerpt: '',
      });
    }
    if (bytes[s0] === 0xef && bytes[s0 + 1] === 0xbb && bytes[s0 + 2] === 0xbf && s0 + 3 <= end0) s0 += 3;
    view.start = s0;
    view.n = n;
    if (n === 1 && isBlank(bytes, s0, end0)) return;
    if (isTypeCell(bytes, s0, end0)) {
      const names: string[] = [];
      for (let k = 0; k < n; k++) names.push(view.text(k).trim());
      while (names.length > 1 && names[names.length - 1] === '') names.pop();
      this.headerNow = makeHeader(names);
      this.headers++;
      view.header = this.headerNow;
      view.n = names.length;
      this.sink.header(this.headerNow, view);
      return;
    }
    const header = this.headerNow;
    if (header === undefined) {
      this.bad('NO_HEADER', start, end, 'a record before any header line (PowerMTA starts every file with one; use --header to supply it)');
      return;
    }
    const cols = header.names.length;
    if (n > cols) {
      for (let k = cols; k < n; k++) {
        if (!view.isEmpty(k)) {
          this.bad('FIELD_COUNT', start, end, `${n} cells where the header has ${cols} columns`);
          return;
        }
      }
      view.n = cols;
    }
    view.header = header;
    this.records++;
    this.sink.record(view);
  }

  private bad(code: ProblemCode, start: number, end: number, message: string): void {
    this.problems.add({
      code,
      file: this.file,
      line: this.lineNow,
      byte: this.base + start,
      message,
      excerpt: excerpt(this.scanner.input, start, end),
    });
  }
}

function isBlank(src: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = src[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** The first cell is `type` (any case): a header row. */
function isTypeCell(src: Uint8Array, a: number, b: number): boolean {
  return b - a === 4 && (src[a] | 32) === 116 && (src[a + 1] | 32) === 121 && (src[a + 2] | 32) === 112 && (src[a + 3] | 32) === 101;
}
