/**
 * The follower: PowerMTA's live accounting file and its rotations, read exactly once. Polling
 * `stat` is the truth (a watcher only wakes the loop early): the live path changing (dev, ino) is
 * a rotation; the old descriptor is kept and drained, and closed only once it has stayed at its end
 * for the rotate-wait; rotated names that appear unseen (several rotations between two polls, or
 * while the tool was stopped) are read from byte 0; a rotated file that reappears gzipped or
 * copied is recognised by its first record and not read again. See docs/architecture.md.
 */
import { closeSync, openSync } from 'node:fs';
import type { FileRow, Gap } from './file-row.js';
import { systemClock, type Clock } from '../util/clock.js';
import { comparePaths, listRotated } from './discovery.js';
import { fingerprintFile, fstatBig, gzipHasMore, isGzipFd, keyOf, sameKey, statBig, type FileKey } from './file-identity.js';
import type { FollowedFile, FollowHooks, FollowOptions, StartFrom } from './follow-types.js';
import { matchOnStart, newRow, plausiblySame, startAtEnd, verifyResume } from './reconcile.js';
import { TrackedFile } from './tracked-file.js';

export type { FollowedFile, FollowHooks, FollowOptions, StartFrom } from './follow-types.js';

export class Follower {
  private readonly opts: FollowOptions;
  private readonly hooks: FollowHooks;
  private readonly clock: Clock;
  /** Files being read (descriptor open, or a .gz waiting to be read). */
  private files: TrackedFile[] = [];
  /** Rows of files read to their end, skipped, or gone this run: matched when names reappear. */
  private done: FileRow[] = [];
  /** Rows changed outside a TrackedFile (done rows adopted, gone), saved at the next commit. */
  private dirtyRows = new Set<FileRow>();
  /** Rotated paths identified, with the key seen: re-identified only when the key changes. */
  private readonly seen = new Map<string, string>();
  /** Size of each seen path at the last scan: a closed file is looked up only when it changed. */
  private readonly seenSize = new Map<string, number>();
  /** .gz paths not read yet, by size at the previous scan: read once the size holds still. */
  private readonly gzSizes = new Map<string, number>();
  private lastScan = -Infinity;
  private scanWanted = true;
  /** Bytes read by the last poll. */
  lastRead = 0;
  /**
   * The last poll read every file to the size it had when the poll looked at it: what was there
   * is read (--once stops here, rather than chasing a writer that never pauses).
   */
  caughtUp = false;

  constructor(opts: FollowOptions, hooks: FollowHooks) {
    this.opts = opts;
    this.hooks = hooks;
    this.clock = opts.clock ?? systemClock;
  }

  private track(row: FileRow, role: 'live' | 'rotated'): TrackedFile {
    const f = new TrackedFile(row, role, this.hooks.sink, this.hooks.problems, this.opts, this.clock);
    this.files.push(f);
    this.sortFiles();
    return f;
  }

  private sortFiles(): void {
    const layout = this.opts.layout;
    this.files.sort((a, b) => (a.role === b.role ? comparePaths(layout, a.row.path, b.row.path) || a.row.id - b.row.id : a.role === 'live' ? 1 : -1));
  }

  /** Set up from the stored rows (a state exists) or from nothing (`from` says where to start). */
  async start(rows: readonly FileRow[], from: StartFrom | null): Promise<void> {
    const layout = this.opts.layout;
    const rotated = listRotated(layout);
    const candidates = [...rotated, ...(statBig(layout.live) !== null ? [layout.live] : [])];
    if (from === 'end' && rows.length === 0) {
      const at = startAtEnd(layout, rotated);
      for (const row of at.done) this.adoptDone(row);
      if (at.live !== null) this.openTracked(at.live, 'live');
      return;
    }
    const plan = matchOnStart(rows, candidates, layout, this.hooks.notice);
    for (const { row, reason } of plan.gone) this.markGone(row, reason);
    for (const m of plan.resumed) this.resume(m.row, m.row.path === layout.live ? 'live' : 'rotated');
    for (const path of plan.fresh) this.startFresh(path, path === layout.live ? 'live' : 'rotated');
  }

  /**
   * Go on reading a known file from its stored offset, once the file is checked to still hold
   * what was counted (else from 0); a file read to its end stays closed. An unreadable file is
   * kept as known and retried by the next scans.
   */
  private resume(row: FileRow, role: 'live' | 'rotated'): void {
    if (row.state === 'skipped') {
      this.adoptDone(row);
      return;
    }
    if (row.gz) {
      if (row.state === 'drained' && row.offset >= row.size && !gzipHasMore(row.path, row.offset)) this.adoptDone(row);
      else this.queueGzip(row);
      return;
    }
    let fd: number;
    try {
      fd = openSync(row.path, 'r');
    } catch (err) {
      this.hooks.notice(`${row.path}: cannot open (${(err as Error).message}); will retry`);
      this.done.push(row);
      return;
    }
    const verdict = verifyResume(fd, row);
    if (verdict !== 'ok') {
      this.hooks.notice(`${row.path}: ${verdict}; reading it again from the start`);
      Object.assign(row, { offset: 0, line: 1, header: null, headerOffset: null, tailLen: 0, tailHash: null, fp: null });
    }
    if (row.state === 'drained' && row.offset >= Number(fstatBig(fd).size)) {
      closeSync(fd);
      this.adoptDone(row);
      return;
    }
    this.done = this.done.filter((r) => r !== row);
    row.state = role;
    this.openTracked(row, role, fd);
  }

  private adoptDone(row: FileRow): void {
    this.done.push(row);
    this.dirtyRows.add(row);
    if (row.path !== this.opts.layout.live) this.seen.set(row.path, `${row.dev}:${row.ino}`);
  }

  private openTracked(row: FileRow, role: 'live' | 'rotated', fd?: number): TrackedFile {
    const f = this.track(row, role);
    f.openPlain(fd);
    if (role === 'rotated') this.seen.set(row.path, `${row.dev}:${row.ino}`);
    return f;
  }

  private queueGzip(row: FileRow): void {
    row.state = 'rotated';
    const f = this.track(row, 'rotated');
    f.dirty = true;
    this.seen.set(row.path, `${row.dev}:${row.ino}`);
  }

  /** A file never seen before: read from byte 0. */
  private startFresh(path: string, role: 'live' | 'rotated'): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      this.hooks.notice(`${path}: cannot open (${(err as Error).message}); will retry`);
      return;
    }
    const gz = isGzipFd(fd);
    const row = newRow(path, keyOf(fstatBig(fd)), gz, role);
    if (gz) {
      closeSync(fd);
      row.fp = fingerprintFile(path, true);
      this.queueGzip(row);
      return;
    }
    this.openTracked(row, role, fd);
  }

  private markGone(row: FileRow, reason: string | null): void {
    const now = Math.floor(this.clock.now() / 1000);
    if (reason !== null) {
      const gap: Gap = {
        path: row.path, dev: row.dev, ino: row.ino, offset: row.offset, size: row.size,
        missing: Math.max(0, row.size - row.offset), reason, detectedAt: now,
      };
      this.hooks.gap(gap);
    }
    row.state = 'gone';
    row.goneAt = now;
    this.dirtyRows.add(row);
    // Saved at the next commit and looked up there if the content reappears (hooks.goneWith):
    // a tail rotating every few minutes for weeks must not hold every file it ever saw.
    this.done = this.done.filter((r) => r !== row);
  }

  /** A directory scan is due before the follower can say it has seen everything. */
  get scanPending(): boolean {
    return this.scanWanted;
  }

  /** Ask for a directory scan at the next poll (a watcher saw something). */
  wake(): void {
    this.scanWanted = true;
  }

  /** One round: the live path, the rotated directories when due, then reading. */
  async poll(): Promise<void> {
    this.lastRead = 0;
    this.caughtUp = true;
    this.checkLive();
    const now = this.clock.elapsed();
    if (this.scanWanted || now - this.lastScan >= this.opts.scanInterval) {
      this.scanWanted = false;
      this.lastScan = now;
      this.scan();
    }
    // Rotated files share one budget per poll, oldest first: a catch-up reads them one after
    // another, each to its end, instead of a slice of every file per poll (which held a reader, a
    // scanner and a partial record for each of hundreds of files at once). The live file has its own.
    let budget = this.opts.batchBytes;
    for (const f of [...this.files]) {
      if (f.role === 'rotated' && budget <= 0) {
        this.caughtUp = false;
        continue;
      }
      const before = this.lastRead;
      try {
        if (f.row.gz) await this.readGzip(f);
        else this.readFile(f, f.role === 'rotated' ? budget : this.opts.batchBytes);
      } catch (err) {
        this.hooks.notice(`${f.row.path}: ${(err as Error).message}; will retry`);
      }
      if (f.role === 'rotated') budget -= this.lastRead - before;
    }
    this.closeDrained();
  }

  private checkLive(): void {
    const layout = this.opts.layout;
    const st = statBig(layout.live);
    const live = this.files.find((f) => f.role === 'live');
    if (live !== undefined && (st === null || !sameKey(keyOf(st), live.key))) {
      live.role = 'rotated';
      live.row.state = 'rotated';
      live.lastGrowth = this.clock.elapsed();
      live.row.lastChange = Math.floor(this.clock.now() / 1000);
      live.dirty = true;
      this.scanWanted = true;
      this.hooks.milestone();
    }
    if (st === null || this.files.some((f) => f.role === 'live')) return;
    const key = keyOf(st);
    const back = this.files.find((f) => sameKey(f.key, key));
    if (back !== undefined) {
      back.role = 'live';
      back.row.state = 'live';
      back.row.path = layout.live;
      back.dirty = true;
      return;
    }
    const known = this.done.find((r) => r.state !== 'gone' && r.dev === key.dev && r.ino === key.ino);
    if (known !== undefined && (known.fp === null || known.fp === fingerprintFile(layout.live, known.gz))) {
      known.path = layout.live;
      this.resume(known, 'live');
      return;
    }
    this.startFresh(layout.live, 'live');
  }

  /** List rotated names; identify the new ones. */
  private scan(): void {
    const present = new Set<string>();
    // Closed plain files by path, built only when one of them changed size (an archive holds
    // thousands: no search of the done list per path and scan).
    let closed: Map<string, FileRow> | null = null;
    for (const path of listRotated(this.opts.layout)) {
      present.add(path);
      const st = statBig(path);
      if (st === null) continue;
      const key = keyOf(st);
      const k = `${key.dev}:${key.ino}`;
      const size = Number(st.size);
      if (this.seen.get(path) === k) {
        if (this.seenSize.get(path) !== size) {
          this.seenSize.set(path, size);
          closed ??= new Map(this.done.filter((r) => r.state === 'drained' && !r.gz).map((r) => [r.path, r]));
          this.regrow(closed.get(path), size);
        }
        continue;
      }
      this.identify(path, key, size);
    }
    for (const path of [...this.seen.keys()]) {
      if (present.has(path)) continue;
      this.seen.delete(path);
      this.seenSize.delete(path);
      const row = this.done.find((r) => r.path === path);
      if (row !== undefined && row.state !== 'gone') this.markGone(row, null);
    }
  }

  /** Path of the newest rotated file known (by PowerMTA's order), or null. */
  newestRotated(): string | null {
    const paths = [...this.done.map((r) => r.path), ...this.files.filter((f) => f.role === 'rotated').map((f) => f.row.path)]
      .filter((p) => p !== this.opts.layout.live);
    paths.sort((a, b) => comparePaths(this.opts.layout, a, b));
    return paths.length === 0 ? null : paths[paths.length - 1];
  }

  /**
   * A rotated file read to its end and closed that has grown since: PowerMTA writes the current
   * file under its dated name (so the newest "rotated" file is the one being written, with pauses
   * longer than the rotate-wait at night), or a writer appended to its old descriptor late. Read on
   * from where it was left.
   */
  private regrow(row: FileRow | undefined, size: number): void {
    if (row === undefined || size <= row.offset) return;
    this.resume(row, 'rotated');
  }

  private identify(path: string, key: FileKey, size: number): void {
    const k = `${key.dev}:${key.ino}`;
    const open = this.files.find((f) => sameKey(f.key, key));
    if (open !== undefined) {
      // A rename of a file being read: only its name changed.
      open.row.path = path;
      open.dirty = true;
      this.seen.set(path, k);
      return;
    }
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
    const byKey = this.done.find((r) => r.state !== 'gone' && r.dev === key.dev && r.ino === key.ino);
    const onwards = (row: FileRow) => {
      row.path = path;
      this.dirtyRows.add(row);
      this.seen.set(path, k);
      // Grown after it was closed (or, without a first record before, now has records), or not
      // readable before: read on from the offset.
      if (!gz && size > row.offset) this.resume(row, 'rotated');
    };
    if (byKey !== undefined && byKey.fp === fp) {
      onwards(byKey);
      return;
    }
    if (fp === null) {
      // A .gz too short to show its first record may still be being written: look again later.
      if (gz) return;
      this.seen.set(path, k);
      this.startFresh(path, 'rotated');
      return;
    }
    // A copy (gzip in progress, or copytruncate's copy before the truncation) of a file that is
    // read through its descriptor: its first record read already, or still at its start.
    if (this.files.some((f) => f.row.fp === fp || (f.row.fp === null && f.startsWith(fp)))) return;
    const same = this.done.find((r) => r.fp === fp)
      ?? [...this.dirtyRows].find((r) => r.fp === fp && r.state === 'gone')
      ?? this.hooks.goneWith?.(fp) ?? undefined;
    if (same !== undefined) {
      if (!this.done.includes(same)) this.done.push(same);
      // The same content under a new name or inode (gzipped, copied, moved across file systems).
      same.dev = key.dev;
      same.ino = key.ino;
      same.path = path;
      same.gz = gz;
      if (same.state === 'gone') same.state = 'drained';
      same.goneAt = null;
      this.dirtyRows.add(same);
      this.seen.set(path, k);
      if (same.state === 'drained' && (gz ? same.offset < same.size || gzipHasMore(path, same.offset) : size > same.offset)) {
        this.done = this.done.filter((r) => r !== same);
        if (gz) this.queueGzip(same);
        else this.resume(same, 'rotated');
      }
      return;
    }
    // Content first; then the key of a row that had no first record to tell (the same file, now
    // with records), unless the name says another file took its inode.
    if (byKey !== undefined && byKey.fp === null && plausiblySame(byKey, path, this.opts.layout.live)) {
      onwards(byKey);
      return;
    }
    if (gz) {
      // Read a new .gz only once it holds still and decompresses to its end (not being written).
      if (this.gzSizes.get(path) !== size) {
        this.gzSizes.set(path, size);
        this.scanWanted = true;
        return;
      }
      this.gzSizes.delete(path);
    }
    this.seen.set(path, k);
    this.startFresh(path, 'rotated');
  }

  private readFile(f: TrackedFile, budget: number): void {
    const change = f.changedUnderneath();
    if (change !== null) {
      this.hooks.notice(`${f.row.path}: ${change === 'truncated' ? 'truncated' : 'rewritten (the bytes before the committed offset changed)'}; reading it from the start`);
      const snapshot = f.snapshot();
      if (snapshot !== null) this.adoptDone(snapshot);
      f.restart();
      this.hooks.milestone();
    }
    this.lastRead += f.readPlain(budget, this.hooks.between);
    if (f.readPos < f.size) this.caughtUp = false;
  }

  private async readGzip(f: TrackedFile): Promise<void> {
    const n = await f.readGzip(this.hooks.between);
    if (n === null) {
      this.hooks.notice(`${f.row.path}: the gzip file is incomplete or damaged; will retry`);
      return;
    }
    this.lastRead += n;
    this.finish(f);
  }

  /** Close rotated files that are at their end and have stayed put. */
  private closeDrained(): void {
    const now = this.clock.elapsed();
    for (const f of [...this.files]) {
      if (f.role !== 'rotated' || f.row.gz || f.reader === null || f.readPos < f.size) continue;
      // Elapsed time, not the stored wall-clock lastChange: a clock step must not close a file early.
      const settled = now - f.lastGrowth >= this.opts.rotateWait;
      if ((this.opts.once && f.reader.pending === 0) || settled) this.finish(f);
    }
  }

  /** A file read to its end: an incomplete last record is reported, never glued to another file. */
  private finish(f: TrackedFile): void {
    if (!f.finish()) return;
    this.files = this.files.filter((x) => x !== f);
    this.adoptDone(f.row);
    this.hooks.milestone();
  }

  /** Rows to store now: every open file's position, and rows changed since the last call. */
  checkpoint(): FileRow[] {
    const out: FileRow[] = [];
    for (const f of this.files) if (f.checkpoint()) out.push(f.row);
    for (const row of this.dirtyRows) if (!out.includes(row)) out.push(row);
    this.dirtyRows.clear();
    return out;
  }

  /** A commit failed: these rows still have to be stored. */
  unsaved(rows: readonly FileRow[]): void {
    for (const row of rows) this.dirtyRows.add(row);
  }

  /** Bytes on disk not yet read, over the files being followed. */
  lag(): number {
    let n = 0;
    for (const f of this.files) n += f.lag;
    return n;
  }

  followed(): FollowedFile[] {
    return this.files.map((f) => ({ path: f.row.path, role: f.role, offset: f.reader?.offset ?? f.row.offset, size: f.size }));
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
