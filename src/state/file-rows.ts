/**
 * The `files` and `gaps` tables: the follower's file rows (source/file-row.ts) and the gaps it
 * found, as the state stores them, committed in the same transaction as the counters.
 */
import type { FileRow, FileState, Gap } from '../source/file-row.js';
import type { Db } from './state-db.js';

interface RawRow {
  id: number;
  dev: string;
  ino: string;
  fp: string | null;
  path: string;
  gz: number;
  state: FileState;
  offset: number;
  line: number;
  size: number;
  header: string | null;
  header_offset: number | null;
  tail_len: number;
  tail_hash: string | null;
  first_seen: number;
  last_change: number;
  gone_at: number | null;
}

function fromRaw(r: RawRow): FileRow {
  return {
    id: r.id,
    dev: r.dev,
    ino: r.ino,
    fp: r.fp,
    path: r.path,
    gz: r.gz !== 0,
    state: r.state,
    offset: r.offset,
    line: r.line,
    size: r.size,
    header: r.header === null ? null : (JSON.parse(r.header) as string[]),
    headerOffset: r.header_offset,
    tailLen: r.tail_len,
    tailHash: r.tail_hash,
    firstSeen: r.first_seen,
    lastChange: r.last_change,
    goneAt: r.gone_at,
  };
}

export class FileRows {
  private readonly db: Db;
  private readonly insert;
  private readonly update;
  private readonly insertGap;

  constructor(db: Db) {
    this.db = db;
    this.insert = db.prepare(`INSERT INTO files (dev, ino, fp, path, gz, state, "offset", line, size, header, header_offset,
      tail_len, tail_hash, first_seen, last_change, gone_at) VALUES (@dev, @ino, @fp, @path, @gz, @state, @offset, @line, @size,
      @header, @headerOffset, @tailLen, @tailHash, @firstSeen, @lastChange, @goneAt)`);
    this.update = db.prepare(`UPDATE files SET dev = @dev, ino = @ino, fp = @fp, path = @path, gz = @gz, state = @state,
      "offset" = @offset, line = @line, size = @size, header = @header, header_offset = @headerOffset, tail_len = @tailLen,
      tail_hash = @tailHash, last_change = @lastChange, gone_at = @goneAt WHERE id = @id`);
    this.insertGap = db.prepare(`INSERT INTO gaps (path, dev, ino, "offset", size, missing, reason, detected_at)
      VALUES (@path, @dev, @ino, @offset, @size, @missing, @reason, @detectedAt)`);
  }

  /** Every file not gone, oldest first. */
  active(): FileRow[] {
    return (this.db.prepare("SELECT * FROM files WHERE state <> 'gone' ORDER BY id").all() as RawRow[]).map(fromRaw);
  }

  private params(row: Omit<FileRow, 'id'> & { id?: number }): Record<string, unknown> {
    return { ...row, gz: row.gz ? 1 : 0, header: row.header === null ? null : JSON.stringify(row.header) };
  }

  /** Insert a new row; returns its id. Call inside a commit. */
  add(row: Omit<FileRow, 'id'>): number {
    return Number(this.insert.run(this.params(row)).lastInsertRowid);
  }

  save(row: FileRow): void {
    this.update.run(this.params(row));
  }

  addGap(gap: Gap): void {
    this.insertGap.run({ ...gap });
  }

  /** The most recent row of a file gone with first record `fp`, if any. */
  goneWith(fp: string): FileRow | null {
    const r = this.db.prepare("SELECT * FROM files WHERE fp = ? AND state = 'gone' ORDER BY id DESC LIMIT 1").get(fp) as RawRow | undefined;
    return r === undefined ? null : fromRaw(r);
  }

  /** Forget files gone before `before` (epoch seconds). */
  prune(before: number): void {
    this.db.prepare("DELETE FROM files WHERE state = 'gone' AND gone_at < ?").run(before);
  }
}

export function readGaps(db: Db): Gap[] {
  return (
    db
      .prepare('SELECT path, dev, ino, "offset" AS offset, size, missing, reason, detected_at AS detectedAt FROM gaps ORDER BY id')
      .all() as Gap[]
  ).map((g) => ({ ...g }));
}

export function countFiles(db: Db): { files: number; bytes: number } {
  const r = db.prepare('SELECT count(*) AS files, coalesce(sum("offset"), 0) AS bytes FROM files').get() as {
    files: number;
    bytes: number;
  };
  return { files: r.files, bytes: r.bytes };
}
