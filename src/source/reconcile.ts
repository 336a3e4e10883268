/**
 * Starting up: match the stored file rows with the files present now. (dev, ino) with the same
 * first record is the same file; the same first record under another key is the same content
 * moved, copied or gzipped; a key whose first record changed is a reused inode. Files present and
 * matched by nothing are new and read from byte 0 (rotations that happened while the tool was
 * stopped); rows matched by nothing are gone, and any bytes they had unread are a reported gap.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ProblemLog } from '../parse/problems.js';
import { RecordReader } from '../parse/reader.js';
import { foundAt, identify, lossReason, newRow, reading, restarted, type FileRow, type Identity, type SeenFile } from './file-row.js';
import type { Layout } from './discovery.js';
import {
  fingerprintFile,
  fingerprintOf,
  fstatBig,
  isGzipFd,
  keyOf,
  markerMatches,
  readHead,
  sameKey,
  statBig,
  type FileKey,
} from './file-identity.js';

/** A file present at start: whether it is gzip and its first record are read when first asked. */
class Candidate implements SeenFile {
  private isGz: boolean | undefined;
  private firstFp: string | null | undefined;

  constructor(
    readonly path: string,
    readonly key: FileKey,
  ) {}

  get gz(): boolean {
    if (this.isGz === undefined) {
      try {
        const fd = openSync(this.path, 'r');
        try {
          this.isGz = isGzipFd(fd);
        } finally {
          closeSync(fd);
        }
      } catch {
        this.isGz = false;
      }
    }
    return this.isGz;
  }

  get fp(): string | null {
    if (this.firstFp === undefined) {
      try {
        this.firstFp = fingerprintFile(this.path, this.gz);
      } catch {
        this.firstFp = null;
      }
    }
    return this.firstFp;
  }
}

export interface StartPlan {
  readonly resumed: { row: FileRow }[];
  readonly gone: { row: FileRow; reason: string | null }[];
  /** Paths of files never seen: read from byte 0, oldest first. */
  readonly fresh: string[];
  /** How many files present are left to the first scan (copies, incomplete .gz files). */
  readonly deferred: number;
}

/**
 * Which stored row each file present is (identify, file-row.ts), over three passes so that content
 * decides before keys: first the files that are their row exactly (same (dev, ino), same first
 * record), then content found under another key or name, then the rest by (dev, ino).
 */
export function matchOnStart(rows: readonly FileRow[], paths: readonly string[], live: string, notice: (m: string) => void): StartPlan {
  const candidates: Candidate[] = [];
  for (const path of paths) {
    const st = statBig(path);
    if (st !== null && st.isFile()) candidates.push(new Candidate(path, keyOf(st)));
  }
  const used = new Set<Candidate>();
  const matched = new Set<FileRow>();
  const resumed: { row: FileRow }[] = [];
  const take = (row: FileRow, c: Candidate) => {
    // One file under several names (a symbolic link to it, a hard link): one row reads it, under
    // the name it had when it can.
    const names = candidates.filter((x) => sameKey(x.key, c.key));
    for (const x of names) used.add(x);
    matched.add(row);
    foundAt(row, c.key, names.some((x) => x.path === row.path) ? row.path : c.path, c.gz);
    resumed.push({ row });
  };
  const pass = (accept: (id: Identity, c: Candidate) => boolean) => {
    for (const c of candidates) {
      if (used.has(c)) continue;
      const id = identify(
        c,
        rows.filter((r) => !matched.has(r)),
        live,
      );
      if (id.kind !== 'new' && accept(id, c)) take(id.row, c);
    }
  };
  pass((id, c) => id.kind === 'same' && id.row.fp !== null && id.row.fp === c.fp);
  pass((id) => id.kind === 'moved');
  pass((id, c) => {
    if (id.kind === 'rewritten') {
      // Same (dev, ino), another (or no) first record, no copy of the old content anywhere: the
      // file was truncated and rewritten (or its inode reused): its content is new, read from 0.
      notice(`${c.path}: same file (dev, ino) without the first record it had (truncated, or the inode reused): reading it from the start`);
      restarted(id.row);
      reading(id.row, 'rotated');
    }
    return true;
  });
  const gone = rows.filter((r) => !matched.has(r) && r.state !== 'gone').map((row) => ({ row, reason: lossReason(row) }));
  const freshKeys = new Set<string>();
  const unmatched = candidates.filter((c) => {
    const k = `${c.key.dev}:${c.key.ino}`;
    if (used.has(c) || freshKeys.has(k)) return false;
    freshKeys.add(k);
    return true;
  });
  // A copy of a file being matched or read (gzip(1) still writing the .gz beside its original, a
  // copy on its way to an archive), or a .gz too incomplete to show its first record, is not a
  // new file: the scans identify it as they do while following (rotated-scan.ts). Of a new file
  // found with its copy, the plain one is read.
  const contents = new Set(rows.filter((r) => matched.has(r) && r.fp !== null).map((r) => r.fp));
  const fresh: string[] = [];
  let deferred = 0;
  for (const c of [...unmatched].sort((a, b) => Number(a.gz) - Number(b.gz))) {
    const fp = c.path === live ? null : c.fp;
    if ((fp !== null && contents.has(fp)) || (c.path !== live && c.gz && fp === null)) {
      deferred++;
      continue;
    }
    if (fp !== null) contents.add(fp);
    fresh.push(c.path);
  }
  fresh.sort((a, b) => (a === live ? 1 : b === live ? -1 : paths.indexOf(a) - paths.indexOf(b)));
  return { resumed, gone, fresh, deferred };
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
export function skipToEnd(path: string, role: 'live' | 'newest' | 'old', now: number): FileRow | null {
  const live = role !== 'old';
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatBig(fd);
    const key = keyOf(st);
    const gz = isGzipFd(fd);
    const fp = gz ? fingerprintFile(path, true) : fingerprintOf(readHead(fd));
    // A .gz is never being written: skipped whole, as an old file is.
    if (gz) return newRow(path, key, true, role === 'live' ? 'live' : 'skipped', now, { fp });
    if (!live) return newRow(path, key, false, 'skipped', now, { fp, offset: Number(st.size), size: Number(st.size) });
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
    return newRow(path, key, false, role === 'live' ? 'live' : 'drained', now, {
      fp,
      offset: reader.offset,
      line: reader.line,
      size: pos,
      header: reader.header === undefined ? null : [...reader.header.names],
      headerOffset,
    });
  } finally {
    closeSync(fd);
  }
}

/** `--from end` with no state: rotated files as they are (never counted), the live file at its end. */
export function startAtEnd(layout: Layout, rotated: readonly string[], now: number): { done: FileRow[]; live: FileRow | null } {
  const done: FileRow[] = [];
  const hasLive = statBig(layout.live) !== null;
  rotated.forEach((path, i) => {
    // No file at the live name: the newest dated file is the one being written.
    const row = skipToEnd(path, !hasLive && i === rotated.length - 1 ? 'newest' : 'old', now);
    if (row !== null) done.push(row);
  });
  return { done, live: hasLive ? skipToEnd(layout.live, 'live', now) : null };
}
