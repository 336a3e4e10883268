/**
 * What a .gz file decompresses to, estimated from its last four bytes: a gzip member ends with
 * ISIZE, its uncompressed length modulo 2^32 (RFC 1952, 2.3.1). For the engine's scheduling and
 * tiering only, never for counting: a file of several members (`cat a.gz b.gz`) gives its last
 * member's length, and a member above 4 GiB wraps. So ISIZE is taken only where it is plausible for
 * text, 2x to 40x the compressed size (accounting files compress about 7:1), after adding 2^32 as
 * often as a wrap allows; anything else falls back to the typical ratio.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Accounting logs compress about 7:1 with gzip -6 (bench/data: 6.3 to 7.3). */
export const TYPICAL_GZIP_RATIO = 7;
const MIN_RATIO = 2;
const MAX_RATIO = 40;
/** A gzip header (10 bytes) and trailer (8): nothing shorter is a whole member. */
const SMALLEST_MEMBER = 18;
const WRAP = 2 ** 32;

/** The plausible decompressed length for a trailer's ISIZE and the file's size (see above). */
export function plausibleGzipBytes(isize: number, size: number): number {
  let bytes = isize;
  while (bytes < size * MIN_RATIO && bytes + WRAP <= size * MAX_RATIO) bytes += WRAP;
  return bytes >= size * MIN_RATIO && bytes <= size * MAX_RATIO ? bytes : size * TYPICAL_GZIP_RATIO;
}

/** Estimated decompressed bytes of the .gz at `path` of `size` bytes (typical ratio when unreadable). */
export function gzipBytes(path: string, size: number): number {
  if (size < SMALLEST_MEMBER) return size * TYPICAL_GZIP_RATIO;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const trailer = Buffer.alloc(4);
    if (readSync(fd, trailer, 0, 4, size - 4) !== 4) return size * TYPICAL_GZIP_RATIO;
    return plausibleGzipBytes(trailer.readUInt32LE(0), size);
  } catch {
    // reading it will say what is wrong with it
    return size * TYPICAL_GZIP_RATIO;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
