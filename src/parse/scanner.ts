/**
 * The JavaScript side of the WebAssembly record framer (scanner.wat explains the output format).
 * One Scanner owns one WebAssembly memory holding an input area and an output area.
 */
import { SCANNER_WASM_BASE64 } from './scanner-wasm.js';

interface ScannerExports {
  readonly memory: WebAssembly.Memory;
  readonly next: WebAssembly.Global;
  readonly maxLines: WebAssembly.Global;
  scan(start: number, end: number, final: number, outBase: number, outEnd: number): number;
  times(from: number, stop: number, out: number, col0: number, col1: number): void;
  readonly keyBase: WebAssembly.Global;
  readonly timeCache: WebAssembly.Global;
  keys(from: number, stop: number, out: number, col0: number, mode0: number, col1: number, mode1: number): void;
}

/**
 * Scanner error codes, as negative nFields in the output (the reader tells the first from any
 * other; both are named for readers of scanner.wat).
 */
export const SCAN_INVALID_CLOSING_QUOTE = 1;
/** @public */
export const SCAN_UNTERMINATED_QUOTE = 2;

/** Output words per record: start, nFields, end, meta, then nFields field ends (or 1 error pos). */
export const HEAD_WORDS = 4;
export const META_LINES_MASK = 0xfffff;
export const META_HIGH = 1 << 20;

const PAGE = 65536;
/** Room for 256 Ki output words; the scan stops early when full and is called again. */
const OUT_BYTES = 1 << 20;
/** Two words per record entry; an entry takes at least five output words, so this always fits. */
const TIMES_BYTES = OUT_BYTES / 2;
/**
 * A cell `times()` left to JavaScript (its value is not in the fast format); the record view reads
 * any negative word so. Named for readers of scanner.wat.
 * @public
 */
export const TIME_NOT_SCANNED = -2;
/** keys(): intern the cell's bytes as they are, or the domain after its last '@' in lower case. */
export const KEY_CELL = 0;
export const KEY_DOMAIN = 1;
/** Per interner (scanner.wat): header, 64 Ki slots, 32 Ki entries of 3 words, a 1 MiB pool. */
const INTERNER_BYTES = 0x1b0000;
const INTERNER_TABLE = 16;
const INTERNER_ENTRIES = INTERNER_TABLE + 0x40000;
const INTERNER_POOL = INTERNER_ENTRIES + 0x60000;
/** times(): the last timestamp parsed per column (scanner.wat), with room for reading 8 bytes past. */
const TIME_CACHE_BYTES = 128;
/** SIMD loads read up to 31 bytes past the end of the input. */
const OVERREAD = 32;

let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(SCANNER_WASM_BASE64, 'base64'));
  return compiled;
}

export class Scanner {
  /** The input area; callers write bytes here, from 0. */
  readonly input: Buffer;
  /** The whole memory as 32-bit words; output starts at word `outWord`. */
  readonly words: Int32Array;
  readonly outWord: number;
  /** Where `times()` writes: two words per record entry of the last scan, from here. */
  readonly timesWord: number;
  /** Where `keys()` writes, the same way. */
  readonly keysWord: number;
  private readonly keyBase: number;
  private readonly exports: ScannerExports;
  private readonly outBase: number;
  /** Bytes of the input area (a pool hands a scanner only to readers of the same size). */
  readonly capacity: number;
  /**
   * Bumped each time the interners are emptied for another reader (ScannerPool): ids interned
   * before mean nothing after, so caches keyed by ids check it along with the scanner itself.
   */
  generation = 0;

  constructor(inputCapacity: number, maxLines: number) {
    this.capacity = inputCapacity;
    const outBase = Math.ceil((inputCapacity + OVERREAD) / 16) * 16;
    const keyBase = outBase + OUT_BYTES + 2 * TIMES_BYTES;
    const timeCache = keyBase + 2 * INTERNER_BYTES;
    const pages = Math.ceil((timeCache + TIME_CACHE_BYTES) / PAGE);
    const instance = new WebAssembly.Instance(module(), {});
    this.exports = instance.exports as unknown as ScannerExports;
    const memory = this.exports.memory;
    memory.grow(pages - memory.buffer.byteLength / PAGE);
    this.exports.maxLines.value = maxLines;
    this.input = Buffer.from(memory.buffer, 0, inputCapacity);
    this.words = new Int32Array(memory.buffer);
    this.outBase = outBase;
    this.outWord = outBase >> 2;
    this.timesWord = (outBase + OUT_BYTES) >> 2;
    this.keysWord = (outBase + OUT_BYTES + TIMES_BYTES) >> 2;
    this.keyBase = keyBase;
    this.exports.keyBase.value = keyBase;
    this.exports.timeCache.value = timeCache;
  }

  /** The cap on lines per quoted record (a pool hands scanners to readers with other caps). */
  set maxLines(lines: number) {
    this.exports.maxLines.value = lines;
  }

  /**
   * Start afresh for another reader: both interners emptied (their header and slot table; entries
   * and pool bytes are overwritten as new values come) and the generation bumped. The time cache
   * stays: it is keyed by the bytes it parsed, so it is right for any input.
   */
  reset(): void {
    for (let slot = 0; slot < 2; slot++) {
      const region = this.keyBase + slot * INTERNER_BYTES;
      this.words.fill(0, region >> 2, (region + INTERNER_ENTRIES) >> 2);
    }
    this.generation++;
  }

  /** Frame the records in input[start, end); returns the number of output words written. */
  scan(start: number, end: number, final: boolean): number {
    return this.exports.scan(start, end, final ? 1 : 0, this.outBase, this.outBase + OUT_BYTES);
  }

  /**
   * Parse the timestamps in cells col0 and col1 of the record entries at output words [from, stop)
   * into words timesWord + 2k and + 2k + 1 from entry k = `entry`: epoch seconds, or
   * TIME_NOT_SCANNED where the caller must parse the cell itself (see scanner.wat).
   */
  times(from: number, stop: number, entry: number, col0: number, col1: number): void {
    this.exports.times(from << 2, stop << 2, (this.timesWord + 2 * entry) << 2, col0, col1);
  }

  /**
   * Intern cell col0 (mode0: KEY_CELL or KEY_DOMAIN) and cell col1 of the record entries at
   * output words [from, stop) into words keysWord + 2k and + 2k + 1 from entry k = `entry`: an id
   * per interner (0, 1, 2... for the life of this scanner), or -2 where the caller must read the
   * cell itself (see scanner.wat).
   */
  keys(from: number, stop: number, entry: number, col0: number, mode0: number, col1: number, mode1: number): void {
    this.exports.keys(from << 2, stop << 2, (this.keysWord + 2 * entry) << 2, col0, mode0, col1, mode1);
  }

  /** The value interned as `id` in interner `slot`, decoded as UTF-8. */
  keyText(slot: number, id: number): string {
    const region = this.keyBase + slot * INTERNER_BYTES;
    const entry = (region + INTERNER_ENTRIES + id * 12) >> 2;
    const start = region + INTERNER_POOL + this.words[entry + 1];
    return Buffer.from(this.words.buffer as ArrayBuffer, start, this.words[entry + 2]).toString('utf8');
  }

  /** Where the last scan stopped: the start of the first record it did not finish. */
  get next(): number {
    return this.exports.next.value as number;
  }
}

/**
 * Scanners given back by readers that are done, handed to the next reader of the same size. A
 * scanner's WebAssembly memory (about 6 MB, 1-2 MB of it touched) is outside the JavaScript heap:
 * V8 collects it only on a full collection, which a small heap rarely asks for, so a reader per
 * rotated file left one memory per file resident and `tail` grew by about 20 MB per day followed
 * (bench/state: tail --once over 1 and 14 days). Reusing them keeps one memory per open file.
 */
export class ScannerPool {
  private readonly free: Scanner[] = [];

  take(inputCapacity: number, maxLines: number): Scanner {
    const i = this.free.findIndex((s) => s.capacity === inputCapacity);
    const scanner = i < 0 ? new Scanner(inputCapacity, maxLines) : this.free.splice(i, 1)[0];
    scanner.maxLines = maxLines;
    return scanner;
  }

  give(scanner: Scanner): void {
    scanner.reset();
    // A few spares cover the files open at once; more would only hold memory.
    if (this.free.length < 4) this.free.push(scanner);
  }
}
