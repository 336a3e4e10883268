/**
 * Which file is which. Every accounting file starts with the same header line, so the first bytes
 * alone say nothing: a file is known by (dev, ino), read as bigints (doubles collide on large
 * inode numbers), plus a fingerprint of its first data record, which also recognises the file
 * after it was gzipped or copied. A marker of the bytes before a committed offset tells whether the
 * file still holds what was counted (truncated and rewritten files do not).
 */
import { createHash } from 'node:crypto';
import { fstatSync, openSync, closeSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';

export interface FileKey {
  readonly dev: string;
  readonly ino: string;
}

export function keyOf(st: BigIntStats): FileKey {
  return { dev: st.dev.toString(), ino: st.ino.toString() };
}

export function sameKey(a: FileKey, b: FileKey): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** stat with bigints, or null when the path does not exist (or cannot be read now). */
export function statBig(path: string): BigIntStats | null {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return null;
  }
}

export function fstatBig(fd: number): BigIntStats {
  return fstatSync(fd, { bigint: true });
}

const HEAD_BYTES = 64 * 1024;
const FP_CAP = 4096;
const LF = 10;

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The first cell of the line starting at `a` is `type` (any case, after a BOM or NUL run). */
function isHeaderLine(b: Uint8Array, a: number, end: number): boolean {
  let i = a;
  while (i < end && b[i] === 0) i++;
  if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3;
  if (end - i < 4) return false;
  const t = String.fromCharCode(b[i] | 32, b[i + 1] | 32, b[i + 2] | 32, b[i + 3] | 32);
  const after = b[i + 4];
  return t === 'type' && (i + 4 === end || after === 44 || after === 13 || after === 10);
}

/**
 * Fingerprint of the first data record in `head` (the file's first bytes): sha256 of that line,
 * capped at 4 KiB. Null while the file has no complete data line yet (a new file with only its
 * header): such a file is tracked by (dev, ino) alone and read from byte 0 once it has one.
 */
export function fingerprintOf(head: Uint8Array): string | null {
  return firstRecordOf(head)?.fp ?? null;
}

/** The fingerprint of the first data record and the offset just after the bytes it covers. */
export function firstRecordOf(head: Uint8Array): { fp: string; end: number } | null {
  let a = 0;
  for (;;) {
    const lf = head.indexOf(LF, a);
    if (lf < 0) {
      return head.length - a >= FP_CAP ? { fp: sha256(head.subarray(a, a + FP_CAP)), end: a + FP_CAP } : null;
    }
    if (!isHeaderLine(head, a, lf)) {
      const end = Math.min(lf + 1, a + FP_CAP);
      return { fp: sha256(head.subarray(a, end)), end };
    }
    a = lf + 1;
  }
}

/** The first bytes of a plain file through an open descriptor. */
export function readHead(fd: number, max = HEAD_BYTES): Buffer {
  const buf = Buffer.alloc(max);
  let got = 0;
  while (got < max) {
    const n = readSync(fd, buf, got, max - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The first decompressed bytes of a gzip file (a truncated .gz gives what it has). */
export function readGzipHead(path: string, compressed = 32 * 1024): Buffer {
  const fd = openSync(path, 'r');
  try {
    const raw = readHead(fd, compressed);
    return gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  } finally {
    closeSync(fd);
  }
}

export function fingerprintFile(path: string, gz: boolean): string | null {
  if (gz) return fingerprintOf(readGzipHead(path));
  const fd = openSync(path, 'r');
  try {
    return fingerprintOf(readHead(fd));
  } finally {
    closeSync(fd);
  }
}

export const MARKER_BYTES = 64;

export interface TailMarker {
  readonly len: number;
  readonly hash: string | null;
}

/** Marker of the bytes just before `offset` of an open plain file. */
export function tailMarker(fd: number, offset: number): TailMarker {
  const len = Math.min(MARKER_BYTES, offset);
  if (len === 0) return { len: 0, hash: null };
  const buf = Buffer.alloc(len);
  const n = readSync(fd, buf, 0, len, offset - len);
  // The file no longer reaches the offset (truncated since it was read): no marker to keep; the
  // first record's fingerprint still tells the file apart.
  if (n !== len) return { len: 0, hash: null };
  return { len, hash: sha256(buf) };
}

/** Whether an open file still holds the bytes the marker was taken of. */
export function markerMatches(fd: number, offset: number, marker: TailMarker): boolean {
  if (marker.len === 0) return true;
  const now = tailMarker(fd, offset);
  return now.len === marker.len && now.hash !== null && now.hash === marker.hash;
}

/** Bytes a file needs before it can be told to be gzip or not (its magic number). */
export const GZIP_MAGIC_BYTES = 2;

export function isGzipFd(fd: number): boolean {
  const magic = Buffer.alloc(GZIP_MAGIC_BYTES);
  return readSync(fd, magic, 0, GZIP_MAGIC_BYTES, 0) === GZIP_MAGIC_BYTES && magic[0] === 0x1f && magic[1] === 0x8b;
}

/**
 * Whether a .gz may decompress to more than `offset` bytes: its trailer's ISIZE (the uncompressed
 * size modulo 2^32, of the last member) says so, or cannot be read. A rotated file that got rows
 * appended after it was read, and was then gzipped, is read on; one gzipped as it was read is not
 * decompressed again for nothing.
 */
export function gzipHasMore(path: string, offset: number): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = Number(fstatBig(fd).size);
      if (size < 18) return true;
      const tail = Buffer.alloc(4);
      if (readSync(fd, tail, 0, 4, size - 4) !== 4) return true;
      return tail.readUInt32LE(0) !== offset % 2 ** 32;
    } finally {
      closeSync(fd);
    }
  } catch {
    return true;
  }
}
