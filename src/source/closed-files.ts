/**
 * What a Follower knows of the files it is not reading: the rows of files read to their end,
 * skipped, or gone this run (matched when their names or content reappear), which of them changed
 * since the last commit, and which rotated names were already identified, with the (dev, ino) and
 * size seen there (a name is looked at again only when those change).
 */
import { gone, type FileRow } from './file-row.js';
import { sameKey, type FileKey } from './file-identity.js';

const keyText = (k: FileKey) => `${k.dev}:${k.ino}`;

export class ClosedFiles {
  private rows: FileRow[] = [];
  /** Rows changed outside a TrackedFile (closed rows adopted, gone), saved at the next commit. */
  private readonly dirty = new Set<FileRow>();
  /** Rotated paths identified, with the key seen: re-identified only when the key changes. */
  private readonly seen = new Map<string, string>();
  /** Size of each seen path at the last scan: a closed file is looked up only when it changed. */
  private readonly seenSize = new Map<string, number>();

  constructor(private readonly live: string) {}

  /** A row closed (read to its end, skipped, known from the state): kept, and stored at the next commit. */
  add(row: FileRow): void {
    this.rows.push(row);
    this.dirty.add(row);
    if (row.path !== this.live) this.sawAt(row.path, row);
  }

  /** A row kept as known without being stored again (its file could not be opened: retried later). */
  keep(row: FileRow): void {
    this.rows.push(row);
  }

  /** The row is being read again (a TrackedFile holds it now). */
  remove(row: FileRow): void {
    this.rows = this.rows.filter((r) => r !== row);
  }

  includes(row: FileRow): boolean {
    return this.rows.includes(row);
  }

  /** The row changed (and is kept here, if it was not). */
  changed(row: FileRow, keepIt = false): void {
    if (keepIt && !this.rows.includes(row)) this.rows.push(row);
    this.dirty.add(row);
  }

  /**
   * Gone from disk (`now`: wall seconds): saved at the next commit and looked up there if its
   * content reappears (FollowHooks.goneWith): a tail rotating every few minutes for weeks must not
   * hold every file it ever saw.
   */
  gone(row: FileRow, now: number): void {
    gone(row, now);
    this.dirty.add(row);
    this.remove(row);
  }

  /** The row of a file not gone with this (dev, ino). */
  byKey(key: FileKey): FileRow | undefined {
    return this.rows.find((r) => r.state !== 'gone' && sameKey(r, key));
  }

  /** The rows `identify` searches, in order: closed rows, then rows gone this run. */
  known(): FileRow[] {
    return [...this.rows, ...[...this.dirty].filter((r) => r.state === 'gone')];
  }

  /** Closed plain files by path (read to their end, may grow again). */
  drainedPlain(): Map<string, FileRow> {
    return new Map(this.rows.filter((r) => r.state === 'drained' && !r.gz).map((r) => [r.path, r]));
  }

  paths(): string[] {
    return this.rows.map((r) => r.path);
  }

  /** `path` was identified as the file with this key. */
  sawAt(path: string, key: FileKey): void {
    this.seen.set(path, keyText(key));
  }

  /** Whether `path` still holds the file identified there; `size` is remembered, and returned when it changed. */
  sameAsSeen(path: string, key: FileKey, size: number): { same: boolean; grew: boolean } {
    if (this.seen.get(path) !== keyText(key)) return { same: false, grew: false };
    if (this.seenSize.get(path) === size) return { same: true, grew: false };
    this.seenSize.set(path, size);
    return { same: true, grew: true };
  }

  /** Names identified before that are no longer listed: forgotten; the rows of closed files there go. */
  vanished(present: ReadonlySet<string>, now: number): void {
    for (const path of [...this.seen.keys()]) {
      if (present.has(path)) continue;
      this.seen.delete(path);
      this.seenSize.delete(path);
      const row = this.rows.find((r) => r.path === path);
      if (row !== undefined && row.state !== 'gone') this.gone(row, now);
    }
  }

  /** Rows changed since the last call (to store), besides those in `out`. */
  takeChanged(out: FileRow[]): void {
    for (const row of this.dirty) if (!out.includes(row)) out.push(row);
    this.dirty.clear();
  }

  /** A commit failed: these rows still have to be stored. */
  unsaved(rows: readonly FileRow[]): void {
    for (const row of rows) this.dirty.add(row);
  }
}
