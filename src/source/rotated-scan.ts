/**
 * The rotated names of a followed file, listed at each scan: a name whose (dev, ino) was seen there
 * before is looked at again only when its size changed (a closed file that grew is read on); a
 * name not seen before is identified (identify, file-row.ts): a rename of a file being read, a
 * copy of one, a closed file under a new name or inode, or a new file read from byte 0. Names no
 * longer listed are forgotten, and the rows of closed files there are gone.
 */
import { closeSync, openSync } from 'node:fs';
import type { ClosedFiles } from './closed-files.js';
import { listRotated, type Layout } from './discovery.js';
import { fingerprintFile, GZIP_MAGIC_BYTES, gzipHasMore, isGzipFd, keyOf, sameKey, statBig, type FileKey } from './file-identity.js';
import { foundAt, identify, renamed, type FileRow } from './file-row.js';
import type { TrackedFile } from './tracked-file.js';

/** What the scan asks of its follower. */
export interface ScanOwner {
  /** Files being read. */
  readonly files: readonly TrackedFile[];
  /** Read a known row on from its offset (checked first), as a rotated file. */
  resume(row: FileRow, role: 'rotated'): void;
  /** A file never seen: read from byte 0. */
  startFresh(path: string, role: 'rotated'): void;
  /** A .gz to read once it decompresses to its end. */
  queueGzip(row: FileRow): void;
  /** Scan again at the next poll. */
  wake(): void;
  nowSeconds(): number;
}

export class RotatedScan {
  /** .gz paths not read yet, by size at the previous scan: read once the size holds still. */
  private readonly gzSizes = new Map<string, number>();

  constructor(
    private readonly layout: Layout,
    private readonly closed: ClosedFiles,
    private readonly follower: ScanOwner,
    /** The stored row of a file gone earlier whose first record is `fp` (its content reappeared), if any. */
    private readonly goneWith: ((fp: string) => FileRow | null) | undefined,
  ) {}

  /** List rotated names; identify the new ones. */
  scan(): void {
    const present = new Set<string>();
    // Closed plain files by path, built only when one of them changed size (an archive holds
    // thousands: no search of the closed rows per path and scan).
    let drained: Map<string, FileRow> | null = null;
    for (const path of listRotated(this.layout)) {
      present.add(path);
      const st = statBig(path);
      if (st === null) continue;
      const key = keyOf(st);
      const size = Number(st.size);
      const seen = this.closed.sameAsSeen(path, key, size);
      if (!seen.same) {
        this.identify(path, key, size);
        continue;
      }
      if (seen.grew) {
        drained ??= this.closed.drainedPlain();
        this.regrow(drained.get(path), size);
      }
    }
    this.closed.vanished(present, this.follower.nowSeconds());
  }

  /**
   * A rotated file read to its end and closed that has grown since: PowerMTA writes the current
   * file under its dated name (so the newest "rotated" file is the one being written, with pauses
   * longer than the rotate-wait at night), or a writer appended to its old descriptor late. Read on
   * from where it was left.
   */
  private regrow(row: FileRow | undefined, size: number): void {
    if (row === undefined || size <= row.offset) return;
    this.follower.resume(row, 'rotated');
  }

  /** A rotated name whose (dev, ino) is not the one seen there before: which file is it? */
  private identify(path: string, key: FileKey, size: number): void {
    const open = this.follower.files.find((f) => sameKey(f.key, key));
    if (open !== undefined) {
      // A rename of a file being read: only its name changed.
      open.renamedTo(path);
      this.closed.sawAt(path, key);
      return;
    }
    // Too short to say whether it is a gzip file: gzip(1) creates its output before it writes to
    // it, and a .gz read as text from byte 0 would be nothing but bad records. The next scan
    // looks again (an empty file has nothing to count).
    if (size < GZIP_MAGIC_BYTES) return;
    let gz: boolean;
    let fp: string | null;
    try {
      const fd = openSync(path, 'r');
      try {
        gz = isGzipFd(fd);
      } finally {
        closeSync(fd);
      }
      fp = fingerprintFile(path, gz);
    } catch {
      return;
    }
    // Closed rows, then rows gone this run, then one gone earlier and saved (content reappeared).
    const saved = fp === null ? null : (this.goneWith?.(fp) ?? null);
    const id = identify({ path, key, fp }, [...this.closed.known(), ...(saved === null ? [] : [saved])], this.layout.live);
    const onwards = (row: FileRow) => {
      renamed(row, path);
      this.closed.changed(row);
      this.closed.sawAt(path, key);
      // Grown after it was closed (or, without a first record before, now has records), or not
      // readable before: read on from the offset.
      if (!gz && size > row.offset) this.follower.resume(row, 'rotated');
    };
    if (id.kind === 'same' && id.row.fp === fp) {
      onwards(id.row);
      return;
    }
    if (fp === null) {
      // A .gz too short to show its first record may still be being written: look again later.
      if (gz) return;
      this.closed.sawAt(path, key);
      this.follower.startFresh(path, 'rotated');
      return;
    }
    // A copy (gzip in progress, or copytruncate's copy before the truncation) of a file that is
    // read through its descriptor: its first record read already, or still at its start.
    if (this.follower.files.some((f) => f.row.fp === fp || (f.row.fp === null && f.startsWith(fp)))) return;
    if (id.kind === 'moved') {
      this.adoptMoved(id.row, key, path, gz, size);
      return;
    }
    // Content first; then the key of a row that had no first record to tell (the same file, now
    // with records), unless the name says another file took its inode.
    if (id.kind === 'same') {
      onwards(id.row);
      return;
    }
    if (gz) {
      // Read a new .gz only once it holds still and decompresses to its end (not being written).
      if (this.gzSizes.get(path) !== size) {
        this.gzSizes.set(path, size);
        this.follower.wake();
        return;
      }
      this.gzSizes.delete(path);
    }
    this.closed.sawAt(path, key);
    this.follower.startFresh(path, 'rotated');
  }

  /** The same content under a new name or inode (gzipped, copied, moved across file systems): read on where it was left. */
  private adoptMoved(row: FileRow, key: FileKey, path: string, gz: boolean, size: number): void {
    foundAt(row, key, path, gz);
    this.closed.changed(row, true);
    this.closed.sawAt(path, key);
    if (row.state === 'drained' && (gz ? row.offset < row.size || gzipHasMore(path, row.offset) : size > row.offset)) {
      this.closed.remove(row);
      if (gz) this.follower.queueGzip(row);
      else this.follower.resume(row, 'rotated');
    }
  }
}
