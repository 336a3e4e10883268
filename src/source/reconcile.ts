/**
 * Starting up: match the stored file rows with the files present now. (dev, ino) with the same
 * first record is the same file; the same first record under another key is the same content
 * moved, copied or gzipped; a key whose first record changed is a reused inode. Files present and
 * matched by nothing are new and read from byte 0 (rotations that happened while the tool was
 * stopped); rows matched by nothing are gone, and any bytes they had unread are a reported gap.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { ProblemLog } from '../parse/problems.js';
import { RecordReader } from '../parse/reader.js';
import type { FileRow, FileState } from './file-row.js';
import type { Layout } from './discovery.js';
import { fingerprintFile, fingerprintOf, fstatBig, isGzipFd, keyOf, markerMatches, readHead, sameKey, statBig, type FileKey } from './file-identity.js';

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

export function newRow(path: string, key: FileKey, gz: boolean, state: FileState): FileRow {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: 0, dev: key.dev, ino: key.ino, fp: null, path, gz, state, offset: 0, line: 1, size: 0,
    header: null, headerOffset: null, tailLen: 0, tailHash: null, firstSeen: now, lastChange: now, goneAt: null,
  };
}

interface Candidate {
  readonly path: string;
  readonly key: FileKey;
  gz?: boolean;
  fp?: string | null;
}

function gzOf(c: Candidate): boolean {
  if (c.gz === undefined) {
    try {
      const fd = openSync(c.path, 'r');
      try {
        c.gz = isGzipFd(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      c.gz = false;
    }
  }
  return c.gz;
}

function fpOf(c: Candidate): string | null {
  if (c.fp === undefined) {
    try {
      c.fp = fingerprintFile(c.path, gzOf(c));
    } catch {
      c.fp = null;
    }
  }
  return c.fp;
}

/** Why a row that went away is a loss, or null when it had been read to its end. */
function lossReason(row: FileRow): string | null {
  const unread = row.state === 'live' || row.state === 'rotated' || (row.state === 'drained' && row.offset < row.size);
  if (!unread) return null;
  const missing = Math.max(0, row.size - row.offset);
  const what = missing > 0 ? `${missing} bytes after offset ${row.offset} (and anything written later)` : `anything written after offset ${row.offset}, the size last seen,`;
  return `went away while pmta-acct was not running, before it was read to its end: ${what} was never counted`;
}

export interface StartPlan {
  readonly resumed: { row: FileRow }[];
  readonly gone: { row: FileRow; reason: string | null }[];
  /** Paths of files never seen: read from byte 0, oldest first. */
  readonly fresh: string[];
}

export function matchOnStart(rows: readonly FileRow[], paths: readonly string[], layout: Layout, notice: (m: string) => void): StartPlan {
  const candidates: Candidate[] = [];
  for (const path of paths) {
    const st = statBig(path);
    if (st !== null && st.isFile()) candidates.push({ path, key: keyOf(st) });
  }
  const used = new Set<Candidate>();
  const matched = new Set<FileRow>();
  const resumed: { row: FileRow }[] = [];
  const gone: { row: FileRow; reason: string | null }[] = [];
  const take = (row: FileRow, c: Candidate) => {
    // One file under several names (a symbolic link to it, a hard link): one row reads it, under
    // the name it had when it can.
    const names = candidates.filter((x) => sameKey(x.key, c.key));
    for (const x of names) used.add(x);
    matched.add(row);
    row.dev = c.key.dev;
    row.ino = c.key.ino;
    row.path = names.some((x) => x.path === row.path) ? row.path : c.path;
    row.gz = gzOf(c);
    resumed.push({ row });
  };
  // First by content, so that a row without a fingerprint (a file that had only its header) can
  // never take, by a reused inode, the file another row's first record points to.
  for (const row of rows) {
    if (row.fp === null) continue;
    const c = candidates.find((x) => !used.has(x) && sameKey(x.key, row) && fpOf(x) === row.fp)
      ?? candidates.find((x) => !used.has(x) && fpOf(x) === row.fp);
    if (c !== undefined) take(row, c);
  }
  for (const row of rows) {
    if (matched.has(row)) continue;
    const byKey = candidates.find((c) => !used.has(c) && sameKey(c.key, row)
      && (row.fp !== null || fpOf(c) === null || plausiblySame(row, c.path, layout.live)));
    if (byKey === undefined) {
      if (row.state !== 'gone') gone.push({ row, reason: lossReason(row) });
      continue;
    }
    if (row.fp !== null) {
      // Same (dev, ino), another (or no) first record, no copy of the old content anywhere: the
      // file was truncated and rewritten (or its inode reused): its content is new, read from 0.
      notice(`${byKey.path}: same file (dev, ino) without the first record it had (truncated, or the inode reused): reading it from the start`);
      Object.assign(row, { fp: null, offset: 0, line: 1, header: null, headerOffset: null, tailLen: 0, tailHash: null, state: 'rotated' });
    }
    take(row, byKey);
  }
  const freshKeys = new Set<string>();
  const fresh = candidates.filter((c) => {
    const k = `${c.key.dev}:${c.key.ino}`;
    if (used.has(c) || freshKeys.has(k)) return false;
    freshKeys.add(k);
    return true;
  }).map((c) => c.path);
  fresh.sort((a, b) => (a === layout.live ? 1 : b === layout.live ? -1 : paths.indexOf(a) - paths.indexOf(b)));
  return { resumed, gone, fresh };
}

/** The header row's names at `offset` of an open file, read with the one parser. */
export function headerAt(fd: number, offset: number): string[] | null {
  const buf = Buffer.alloc(128 * 1024);
  const n = readSync(fd, buf, 0, buf.length, offset);
  let names: string[] | null = null;
  const reader = new RecordReader(
    {
      header(h) {
        if (names === null) names = [...h.names];
      },
      record() {
        // data rows are not asked for
      },
    },
    new ProblemLog(0),
    { file: '', chunkSize: buf.length },
  );
  const lf = buf.subarray(0, n).indexOf(10);
  reader.write(buf.subarray(0, lf < 0 ? n : lf + 1));
  return names;
}

/** 'ok', or why a stored offset cannot be trusted for this (open) file. */
export function verifyResume(fd: number, row: FileRow): string {
  const size = Number(fstatBig(fd).size);
  if (size < row.offset) return `truncated while pmta-acct was not running (${size} bytes, committed offset ${row.offset})`;
  if (!markerMatches(fd, row.offset, { len: row.tailLen, hash: row.tailHash })) {
    return 'rewritten while pmta-acct was not running (the bytes before the committed offset changed)';
  }
  if (row.header !== null && row.headerOffset !== null) {
    const names = headerAt(fd, row.headerOffset);
    const want = row.header;
    if (names === null || names.length !== want.length || names.some((n, i) => n !== want[i])) {
      return 'its header line is not the one it was read with';
    }
  }
  return 'ok';
}

/**
 * `--from end` with no state: a file as it is now, not to be counted. A file that is still being
 * written (the live file, or the newest dated file when PowerMTA writes under the dated name) is
 * scanned with the parser (nothing counted) so that the offset is a record boundary and the header
 * in effect there is known: it is read on from there. Older rotated files are skipped whole.
 */
export function skipToEnd(path: string, role: 'live' | 'newest' | 'old'): FileRow | null {
  const live = role !== 'old';
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatBig(fd);
    const gz = isGzipFd(fd);
    const row = newRow(path, keyOf(st), gz, role === 'live' ? 'live' : role === 'newest' ? 'drained' : 'skipped');
    row.fp = gz ? fingerprintFile(path, true) : fingerprintOf(readHead(fd));
    if (gz) {
      if (role === 'newest') row.state = 'skipped';
      return row;
    }
    if (!live) {
      row.offset = Number(st.size);
      row.size = row.offset;
      return row;
    }
    let headerOffset: number | null = null;
    const reader = new RecordReader(
      {
        header(_h, view) {
          headerOffset = view.offset;
        },
        record() {
          // --from end: what is there now is not counted
        },
      },
      new ProblemLog(0),
      { file: path },
    );
    let pos = 0;
    for (;;) {
      const space = reader.space();
      const n = readSync(fd, space, 0, space.length, pos);
      if (n === 0) break;
      pos += n;
      reader.written(n);
    }
    row.offset = reader.offset;
    row.line = reader.line;
    row.size = pos;
    row.header = reader.header === undefined ? null : [...reader.header.names];
    row.headerOffset = headerOffset;
    return row;
  } finally {
    closeSync(fd);
  }
}

/** `--from end` with no state: rotated files as they are (never counted), the live file at its end. */
export function startAtEnd(layout: Layout, rotated: readonly string[]): { done: FileRow[]; live: FileRow | null } {
  const done: FileRow[] = [];
  const hasLive = statBig(layout.live) !== null;
  rotated.forEach((path, i) => {
    // No file at the live name: the newest dated file is the one being written.
    const row = skipToEnd(path, !hasLive && i === rotated.length - 1 ? 'newest' : 'old');
    if (row !== null) done.push(row);
  });
  return { done, live: hasLive ? skipToEnd(layout.live, 'live') : null };
}
