/**
 * One record, as offsets into the reader's input bytes: no object and no string per record until a
 * consumer asks for a field's text. The reader reuses one RecordView for every record.
 */
import type { Header } from './header.js';
import type { Problem, ProblemCode } from './problems.js';
import type { Scanner } from './scanner.js';

/**
 * Header positions (-1 for none): two cells holding timestamps, a cell to intern as it is, and a
 * cell whose domain (after its last '@', lower case) to intern.
 */
export type ScanColumns = readonly [time0: number, time1: number, cell: number, domain: number];

const QUOTE = 34;

export class RecordView {
  /** The reader's input area. */
  bytes: Buffer = Buffer.alloc(0);
  /** Scanner output words; field k ends at words[base + k]. */
  words: Int32Array = new Int32Array(0);
  base = 0;
  /** Offset (in `src`) of field 0; after a skipped BOM or NUL run this is past the record start. */
  start = 0;
  /** Cells present (at most the header's length; missing trailing cells read as empty). */
  n = 0;
  /** The record holds bytes >= 0x80 (UTF-8 text). */
  high = false;
  /** 1-based physical line and 0-based absolute byte offset of the record. */
  line = 0;
  offset = 0;
  header!: Header;
  file = '';
  /** The scanner that framed the record: key ids (scannedKey) are per scanner. */
  scanner: Scanner | null = null;
  /** Cells scanned in bulk (RecordSink.scanColumns) and where their results are, or -1. */
  scanCols: ScanColumns = [-1, -1, -1, -1];
  timesAt = -1;
  keysAt = -1;
  /** The record's entry number in its scan batch. */
  entry = 0;

  /**
   * Epoch seconds of the timestamp in cell k as the scanner parsed it, or -1 when it did not (not
   * asked for, or not in its fast format: parse the cell with parseTimestamp, which also decides
   * whether it is a time at all).
   */
  scannedTime(k: number): number {
    const at = this.timesAt;
    if (at < 0 || k < 0) return -1;
    const cols = this.scanCols;
    const w = at + 2 * this.entry;
    const v = k === cols[0] ? this.words[w] : k === cols[1] ? this.words[w + 1] : -1;
    return v >= 0 ? v : -1;
  }

  /**
   * The scanner's id of cell k's value (slot KEY_CELL: the cell as it is; KEY_DOMAIN: its domain,
   * in lower case), or -1 when it has none (not asked for, quoted, empty domain cell, interner
   * full: read the cell). scanner.keyText(slot, id) is the value.
   */
  scannedKey(slot: number, k: number): number {
    const at = this.keysAt;
    if (at < 0 || k < 0 || k !== this.scanCols[2 + slot]) return -1;
    const v = this.words[at + 2 * this.entry + slot];
    return v >= 0 ? v : -1;
  }

  fieldStart(k: number): number {
    return k === 0 ? this.start : this.words[this.base + k - 1] + 1;
  }

  fieldEnd(k: number): number {
    return this.words[this.base + k];
  }

  /** True when cell k is absent or has no characters. */
  isEmpty(k: number): boolean {
    return k < 0 || k >= this.n || this.fieldEnd(k) === this.fieldStart(k);
  }

  /** The decoded text of cell k ('' when absent): quotes removed, "" unescaped, UTF-8 decoded. */
  text(k: number): string {
    if (k < 0 || k >= this.n) return '';
    let a = this.fieldStart(k);
    let b = this.fieldEnd(k);
    if (a === b) return '';
    const quoted = this.bytes[a] === QUOTE;
    if (quoted) {
      a++;
      b--;
    }
    const s = this.bytes.toString(this.high ? 'utf8' : 'latin1', a, b);
    return quoted && s.includes('"') ? s.replaceAll('""', '"') : s;
  }

  /** The start of the record's raw text, for error messages. */
  excerpt(): string {
    return excerpt(this.bytes, this.start, this.fieldEnd(Math.max(0, this.n - 1)));
  }
}

/** Up to `max` bytes of raw record text from [start, end) without its line end, decoded as UTF-8. */
export function excerpt(bytes: Buffer, start: number, end: number, max = 160): string {
  let stop = Math.min(end, start + max);
  while (stop > start && (bytes[stop - 1] === 10 || bytes[stop - 1] === 13)) stop--;
  return bytes.toString('utf8', start, stop);
}

/** A problem located at a record (for consumers that reject what the reader accepted). */
export function problemAt(view: RecordView, code: ProblemCode, message: string): Problem {
  return { code, file: view.file, line: view.line, byte: view.offset, message, excerpt: view.excerpt() };
}
