/**
 * A followed accounting file as the follower knows it and the state stores it: its identity
 * ((dev, ino) + a fingerprint of its first data record), the committed offset (line-aligned: just
 * after the last record counted), the header in effect there, and a marker of the bytes before the
 * offset to check the file still holds what was counted. Gaps (bytes lost because a file went away
 * unread) are facts of their own.
 *
 * This module owns a row's fields: everyone else reads them (they are readonly outside) and asks
 * for a transition (restarted, rotated, gone, foundAt, ...), so each change of a row's state is
 * written once. `identify` says which row a file on disk is, the same way at start-up
 * (reconcile.ts) and while following (follower.ts).
 */
import { basename } from 'node:path';
import { sameKey, type FileKey } from './file-identity.js';

/**
 * live: the file at the live path; rotated: renamed away, still being read; drained: read to its
 * end and closed; skipped: there before a `--from end` start, never counted; gone: not found.
 */
export type FileState = 'live' | 'rotated' | 'drained' | 'skipped' | 'gone';

export interface FileRow {
  readonly id: number;
  readonly dev: string;
  readonly ino: string;
  /** sha256 of the first data record (null until the file has one). */
  readonly fp: string | null;
  readonly path: string;
  readonly gz: boolean;
  readonly state: FileState;
  /** Committed offset (decompressed bytes for .gz) and the 1-based line there. */
  readonly offset: number;
  readonly line: number;
  /** Size when last seen (decompressed size for .gz once read to the end). */
  readonly size: number;
  /** Header names in effect at `offset`, and where that header row starts (null: none yet). */
  readonly header: string[] | null;
  readonly headerOffset: number | null;
  /** Length and sha256 of the bytes just before `offset` (0 / null at offset 0). */
  readonly tailLen: number;
  readonly tailHash: string | null;
  readonly firstSeen: number;
  /** Wall-clock seconds when the size last changed (a rotated file is closed after it stays put). */
  readonly lastChange: number;
  readonly goneAt: number | null;
}

export interface Gap {
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  readonly offset: number;
  readonly size: number;
  /** Bytes known to be missing (at least; the file may have grown after it was last seen). */
  readonly missing: number;
  readonly reason: string;
  readonly detectedAt: number;
}

/** Where reading stands in a file: what a checkpoint stores. */
export interface RowPosition {
  readonly offset: number;
  readonly line: number;
  readonly header: string[] | null;
  readonly headerOffset: number | null;
}

type Fields = { -readonly [K in keyof FileRow]: FileRow[K] };

/** The one place a row's fields are written. */
function set(row: FileRow, fields: Partial<Fields>): void {
  Object.assign(row, fields);
}

/** A file seen for the first time (or as it is now, for --from end: `at` is where it stands). */
export function newRow(
  path: string,
  key: FileKey,
  gz: boolean,
  state: FileState,
  now: number,
  at: Partial<RowPosition & { fp: string | null; size: number }> = {},
): FileRow {
  return {
    id: 0,
    dev: key.dev,
    ino: key.ino,
    fp: null,
    path,
    gz,
    state,
    offset: 0,
    line: 1,
    size: 0,
    header: null,
    headerOffset: null,
    tailLen: 0,
    tailHash: null,
    firstSeen: now,
    lastChange: now,
    goneAt: null,
    ...at,
  };
}

/** Start over at byte 0 (truncated, rewritten, an inode reused): nothing of the old content is known. */
export function restarted(row: FileRow): void {
  set(row, { offset: 0, line: 1, header: null, headerOffset: null, tailLen: 0, tailHash: null, fp: null });
}

/** Being read, as the live file or a rotated one. */
export function reading(row: FileRow, role: 'live' | 'rotated'): void {
  set(row, { state: role });
}

/** The live path now names another file: this one was rotated away (`now`: wall seconds). */
export function rotated(row: FileRow, now: number): void {
  set(row, { state: 'rotated', lastChange: now });
}

/** A rotated file back at the live path. */
export function backToLive(row: FileRow, live: string): void {
  set(row, { state: 'live', path: live });
}

/** The file's name changed (a rename of a file being read, or a known file listed under another name). */
export function renamed(row: FileRow, path: string): void {
  set(row, { path });
}

/**
 * The row's content found at `path` under `key` (the same file, or its copy: gzipped, moved across
 * file systems); a row that was gone is back, as read as it was.
 */
export function foundAt(row: FileRow, key: FileKey, path: string, gz: boolean): void {
  set(row, { dev: key.dev, ino: key.ino, path, gz, ...(row.state === 'gone' ? { state: 'drained' } : {}), goneAt: null });
}

/** Not found any more (`now`: wall seconds). */
export function gone(row: FileRow, now: number): void {
  set(row, { state: 'gone', goneAt: now });
}

/** The fingerprint of the file's first data record, once it has one. */
export function firstRecord(row: FileRow, fp: string): void {
  set(row, { fp });
}

/** The file's size changed (`now`: wall seconds). */
export function grew(row: FileRow, now: number): void {
  set(row, { lastChange: now });
}

/** Where reading stands, and the marker of the bytes before it (plain files; null for .gz). */
export function checkpointed(row: FileRow, at: RowPosition, marker: { readonly len: number; readonly hash: string | null } | null): void {
  set(row, { ...at, ...(marker === null ? {} : { tailLen: marker.len, tailHash: marker.hash }) });
}

/** The size last seen (never below what was read). */
export function sized(row: FileRow, size: number): void {
  set(row, { size: Math.max(size, row.offset) });
}

/** Read to its end and closed. `cutAt`: the end of an incomplete last record skipped there (not counted). */
export function drained(row: FileRow, size: number, cutAt: { readonly offset: number; readonly line: number } | null): void {
  if (cutAt !== null) set(row, { offset: cutAt.offset, line: cutAt.line, tailLen: 0, tailHash: null });
  set(row, { size: Math.max(size, row.offset), state: 'drained' });
}

/** Stored under this id (0: not stored, after a failed commit). */
export function stored(row: FileRow, id: number): void {
  set(row, { id });
}

/**
 * Whether a file at `path` with a row's (dev, ino) can be that row's file when the row has no first
 * record to tell (its file held only a header): its own name, gzipped, moved to another directory,
 * or the live file renamed at rotation. Another rotated name is another file on a reused inode.
 */
export function plausiblySame(row: FileRow, path: string, live: string): boolean {
  if (row.path === live) return true;
  const base = (p: string) => basename(p).replace(/\.gz$/, '');
  return base(row.path) === base(path);
}

/** Why a row that went away is a loss, or null when it had been read to its end. */
export function lossReason(row: FileRow): string | null {
  const unread = row.state === 'live' || row.state === 'rotated' || (row.state === 'drained' && row.offset < row.size);
  if (!unread) return null;
  const missing = Math.max(0, row.size - row.offset);
  const what =
    missing > 0
      ? `${missing} bytes after offset ${row.offset} (and anything written later)`
      : `anything written after offset ${row.offset}, the size last seen,`;
  return `went away while pmta-acct was not running, before it was read to its end: ${what} was never counted`;
}

/** The gap a row leaves behind when it goes away unread (`now`: wall seconds). */
export function gapOf(row: FileRow, reason: string, now: number): Gap {
  return {
    path: row.path,
    dev: row.dev,
    ino: row.ino,
    offset: row.offset,
    size: row.size,
    missing: Math.max(0, row.size - row.offset),
    reason,
    detectedAt: now,
  };
}

/** A file on disk as `identify` sees it; `fp` may be read lazily (it is asked only when it decides). */
export interface SeenFile {
  readonly path: string;
  readonly key: FileKey;
  /** Fingerprint of its first data record (null: none yet). */
  readonly fp: string | null;
}

/**
 * Which row a file is:
 * - same: the same (dev, ino) with the same first record, or with none on either side, or, when the
 *   row had no first record to tell, a name that allows it (plausiblySame);
 * - moved: another (dev, ino) with the row's first record (gzipped, copied, moved, renamed across
 *   file systems), content first: a reused inode never takes another row's content;
 * - rewritten: the same (dev, ino) with another first record (truncated and rewritten, or an inode
 *   reused) and no copy of the old content anywhere;
 * - new: none of them.
 * `rows` are searched in order; key matches consider only rows not gone (a gone row's inode may
 * be reused), content matches any row.
 */
export type Identity = { readonly kind: 'same' | 'moved' | 'rewritten'; readonly row: FileRow } | { readonly kind: 'new' };

export function identify(file: SeenFile, rows: readonly FileRow[], live: string): Identity {
  const byKey = rows.find((r) => r.state !== 'gone' && sameKey(r, file.key));
  if (byKey !== undefined && byKey.fp === file.fp) return { kind: 'same', row: byKey };
  const fp = file.fp;
  if (fp !== null) {
    const moved = rows.find((r) => r.fp === fp);
    if (moved !== undefined) return { kind: 'moved', row: moved };
  }
  if (byKey === undefined) return { kind: 'new' };
  if (byKey.fp === null) return plausiblySame(byKey, file.path, live) ? { kind: 'same', row: byKey } : { kind: 'new' };
  return { kind: 'rewritten', row: byKey };
}
