/**
 * Latency histograms in the state database: sparse, because a group's deliveries fall into a few
 * of the 176 bins (a dense row would be 704 bytes per group and bucket). Layout: pairs of
 * little-endian uint32 (bin, count), bins ascending. Adding two encodings is exact.
 */
import { BINS } from '../rollup/latency.js';

/** Encode bins [at, at + BINS) of `hist`; null when they are all zero. */
export function encodeHist(hist: Uint32Array, at: number): Buffer | null {
  let used = 0;
  for (let i = 0; i < BINS; i++) if (hist[at + i] !== 0) used++;
  if (used === 0) return null;
  const out = Buffer.allocUnsafe(used * 8);
  let o = 0;
  for (let i = 0; i < BINS; i++) {
    const n = hist[at + i];
    if (n === 0) continue;
    out.writeUInt32LE(i, o);
    out.writeUInt32LE(n, o + 4);
    o += 8;
  }
  return out;
}

/** Add an encoded histogram into bins [at, at + BINS) of `hist`. */
export function decodeHistInto(blob: Uint8Array, hist: Uint32Array, at: number): void {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let o = 0; o + 8 <= b.length; o += 8) {
    const bin = b.readUInt32LE(o);
    if (bin < BINS) hist[at + bin] += b.readUInt32LE(o + 4);
  }
}

/** The sum of two encodings (either may be null), for the database's ON CONFLICT update. */
export function addEncodedHists(a: Uint8Array | null, b: Uint8Array | null): Buffer | null {
  if (a === null || a.length === 0) return b === null ? null : Buffer.from(b);
  if (b === null || b.length === 0) return Buffer.from(a);
  const bins = new Uint32Array(BINS);
  decodeHistInto(a, bins, 0);
  decodeHistInto(b, bins, 0);
  return encodeHist(bins, 0);
}

/** One hex digit's value (SQLite's hex() writes 0-9 and A-F). */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** The little-endian uint32 whose 8 hex digits start at s[o]. */
function hexUint32(s: string, o: number): number {
  let v = 0;
  for (let b = 3; b >= 0; b--) v = v * 256 + nibble(s.charCodeAt(o + 2 * b)) * 16 + nibble(s.charCodeAt(o + 2 * b + 1));
  return v;
}

/**
 * Add an encoded histogram read as SQLite's hex(hist) into bins [at, at + BINS) of `hist`. Reading
 * a blob makes a Buffer per row, which cost readers about half their time (a week of a 1 M-record
 * server is 230,000 rows); a string of its hex digits costs a fifth of that, decoding included.
 */
export function decodeHexHistInto(hex: string, hist: Uint32Array, at: number): void {
  for (let o = 0; o + 16 <= hex.length; o += 16) {
    const bin = hexUint32(hex, o);
    if (bin < BINS) hist[at + bin] += hexUint32(hex, o + 8);
  }
}
