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
}

/** Scanner error codes, as negative nFields in the output. */
export const SCAN_INVALID_CLOSING_QUOTE = 1;
export const SCAN_UNTERMINATED_QUOTE = 2;

/** Output words per record: start, nFields, end, meta, then nFields field ends (or 1 error pos). */
export const HEAD_WORDS = 4;
export const META_LINES_MASK = 0xfffff;
export const META_HIGH = 1 << 20;

const PAGE = 65536;
/** Room for 256 Ki output words; the scan stops early when full and is called again. */
const OUT_BYTES = 1 << 20;
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
  private readonly exports: ScannerExports;
  private readonly outBase: number;

  constructor(inputCapacity: number, maxLines: number) {
    const outBase = Math.ceil((inputCapacity + OVERREAD) / 16) * 16;
    const pages = Math.ceil((outBase + OUT_BYTES) / PAGE);
    const instance = new WebAssembly.Instance(module(), {});
    this.exports = instance.exports as unknown as ScannerExports;
    const memory = this.exports.memory;
    memory.grow(pages - memory.buffer.byteLength / PAGE);
    this.exports.maxLines.value = maxLines;
    this.input = Buffer.from(memory.buffer, 0, inputCapacity);
    this.words = new Int32Array(memory.buffer);
    this.outBase = outBase;
    this.outWord = outBase >> 2;
  }

  /** Frame the records in input[start, end); returns the number of output words written. */
  scan(start: number, end: number, final: boolean): number {
    return this.exports.scan(start, end, final ? 1 : 0, this.outBase, this.outBase + OUT_BYTES);
  }

  /** Where the last scan stopped: the start of the first record it did not finish. */
  get next(): number {
    return this.exports.next.value as number;
  }
}
