/**
 * The follower: PowerMTA's live accounting file and its rotations, read exactly once. Polling
 * `stat` is the truth (a watcher only wakes the loop early): the live path changing (dev, ino) is
 * a rotation; the old descriptor is kept and drained, and closed only once it has stayed at its end
 * for the rotate-wait; rotated names that appear unseen (several rotations between two polls, or
 * while the tool was stopped) are read from byte 0; a rotated file that reappears gzipped or
 * copied is recognised by its first record and not read again. See docs/architecture.md.
 */
import { closeSync, openSync } from 'node:fs';
import { messageOf } from '../errors.js';
import { gapOf, newRow, reading, renamed, restarted, type FileRow } from './file-row.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ClosedFiles } from './closed-files.js';
import { RotatedScan } from './rotated-scan.js';
import { comparePaths, listRotated } from './discovery.js';
import { fingerprintFile, fstatBig, GZIP_MAGIC_BYTES, gzipHasMore, isGzipFd, keyOf, sameKey, statBig } from './file-identity.js';
import type { FollowedFile, FollowHooks, FollowOptions, StartFrom } from './follow-types.js';
import { matchOnStart, startAtEnd, verifyResume } from './reconcile.js';
import { TrackedFile } from './tracked-file.js';

export type { FollowedFile, FollowHooks, FollowOptions, StartFrom } from './follow-types.js';

export class Follower {
  private readonly opts: FollowOptions;
  private readonly hooks: FollowHooks;
  private readonly clock: Clock;
  /** Files being read (descriptor open, or a .gz waiting to be read). */
  private active: TrackedFile[] = [];
  /** Files not being read: read to their end, skipped, or gone this run. */
  private readonly closed: ClosedFiles;
  private readonly rotated: RotatedScan;
  /** Queued .gz files that did not decompress to their end: their size then, and since when (elapsed ms) it held. */
  private readonly gzWaits = new Map<TrackedFile, { size: bigint; since: number }>();
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
    this.closed = new ClosedFiles(opts.layout.live);
    this.rotated = new RotatedScan(opts.layout, this.closed, this, hooks.goneWith);
  }

  /** Files being read (descriptor open, or a .gz waiting to be read). */
  get files(): readonly TrackedFile[] {
    return this.active;
  }

  private track(row: FileRow, role: 'live' | 'rotated'): TrackedFile {
    const f = new TrackedFile(row, role, this.hooks.sink, this.hooks.problems, this.opts, this.clock);
    this.active.push(f);
    this.sortFiles();
    return f;
  }

  private sortFiles(): void {
    const layout = this.opts.layout;
    this.active.sort((a, b) =>
      a.role === b.role ? comparePaths(layout, a.row.path, b.row.path) || a.row.id - b.row.id : a.role === 'live' ? 1 : -1,
    );
  }

  /** Set up from the stored rows (a state exists) or from nothing (`from` says where to start). */
  async start(rows: readonly FileRow[], from: StartFrom | null): Promise<void> {
    const layout = this.opts.layout;
    const rotated = listRotated(layout);
    const candidates = [...rotated, ...(statBig(layout.live) !== null ? [layout.live] : [])];
    if (from === 'end' && rows.length === 0) {
      const at = startAtEnd(layout, rotated, this.nowSeconds());
      for (const row of at.done) this.closed.add(row);
      if (at.live !== null) this.openTracked(at.live, 'live');
      return;
    }
    const plan = matchOnStart(rows, candidates, layout.live, this.hooks.notice);
    for (const { row, reason } of plan.gone) this.markGone(row, reason);
    for (const m of plan.resumed) this.resume(m.row, m.row.path === layout.live ? 'live' : 'rotated');
    for (const path of plan.fresh) this.startFresh(path, path === layout.live ? 'live' : 'rotated');
    if (plan.deferred > 0) this.wake();
  }

  /**
   * Go on reading a known file from its stored offset, once the file is checked to still hold
   * what was counted (else from 0); a file read to its end stays closed. An unreadable file is
   * kept as known and retried by the next scans.
   */
  resume(row: FileRow, role: 'live' | 'rotated'): void {
    if (row.state === 'skipped') {
      this.closed.add(row);
      return;
    }
    if (row.gz) {
      if (row.state === 'drained' && row.offset >= row.size && !gzipHasMore(row.path, row.offset)) this.closed.add(row);
      else this.queueGzip(row);
      return;
    }
    let fd: number;
    try {
      fd = openSync(row.path, 'r');
    } catch (err) {
      this.hooks.notice(`${row.path}: cannot open (${messageOf(err)}); will retry`);
      this.closed.keep(row);
      return;
    }
    const verdict = verifyResume(fd, row);
    if (verdict !== 'ok') {
      this.hooks.notice(`${row.path}: ${verdict}; reading it again from the start`);
      restarted(row);
    }
    if (row.state === 'drained' && row.offset >= Number(fstatBig(fd).size)) {
      closeSync(fd);
      this.closed.add(row);
      return;
    }
    this.closed.remove(row);
    reading(row, role);
    this.openTracked(row, role, fd);
  }

  private openTracked(row: FileRow, role: 'live' | 'rotated', fd?: number): TrackedFile {
    const f = this.track(row, role);
    f.openPlain(fd);
    if (role === 'rotated') this.closed.sawAt(row.path, row);
    return f;
  }

  queueGzip(row: FileRow): void {
    reading(row, 'rotated');
    this.track(row, 'rotated');
    this.closed.sawAt(row.path, row);
  }

  /** A file never seen before: read from byte 0. */
  startFresh(path: string, role: 'live' | 'rotated'): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      this.hooks.notice(`${path}: cannot open (${messageOf(err)}); will retry`);
      return;
    }
    const st = fstatBig(fd);
    // A rotated file too short to tell gzip from text (gzip(1) has created its output and not
    // written to it yet): the scans look at it again until it can be told (rotated-scan.ts).
    if (role === 'rotated' && st.size < BigInt(GZIP_MAGIC_BYTES)) {
      closeSync(fd);
      return;
    }
    const key = keyOf(st);
    if (isGzipFd(fd)) {
      closeSync(fd);
      this.queueGzip(newRow(path, key, true, role, this.nowSeconds(), { fp: fingerprintFile(path, true) }));
      return;
    }
    this.openTracked(newRow(path, key, false, role, this.nowSeconds()), role, fd);
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private markGone(row: FileRow, reason: string | null): void {
    const now = this.nowSeconds();
    if (reason !== null) this.hooks.gap(gapOf(row, reason, now));
    this.closed.gone(row, now);
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
      this.rotated.scan();
    }
    // Rotated files share one budget per poll, oldest first: a catch-up reads them one after
    // another, each to its end, instead of a slice of every file per poll (which held a reader, a
    // scanner and a partial record for each of hundreds of files at once). The live file has its own.
    let budget = this.opts.batchBytes;
    for (const f of [...this.active]) {
      if (f.role === 'rotated' && budget <= 0) {
        this.caughtUp = false;
        continue;
      }
      const before = this.lastRead;
      try {
        if (f.row.gz) await this.readGzip(f);
        else this.readFile(f, f.role === 'rotated' ? budget : this.opts.batchBytes);
      } catch (err) {
        this.hooks.notice(`${f.row.path}: ${messageOf(err)}; will retry`);
      }
      if (f.role === 'rotated') budget -= this.lastRead - before;
    }
    this.closeDrained();
  }

  private checkLive(): void {
    const layout = this.opts.layout;
    const st = statBig(layout.live);
    const live = this.active.find((f) => f.role === 'live');
    if (live !== undefined && (st === null || !sameKey(keyOf(st), live.key))) {
      live.rotatedAway();
      this.scanWanted = true;
      this.hooks.milestone();
    }
    if (st === null || this.active.some((f) => f.role === 'live')) return;
    const key = keyOf(st);
    const back = this.active.find((f) => sameKey(f.key, key));
    if (back !== undefined) {
      back.backAtLive(layout.live);
      return;
    }
    const known = this.closed.byKey(key);
    if (known !== undefined && (known.fp === null || known.fp === fingerprintFile(layout.live, known.gz))) {
      renamed(known, layout.live);
      this.resume(known, 'live');
      return;
    }
    this.startFresh(layout.live, 'live');
  }

  /** Path of the newest rotated file known (by PowerMTA's order), or null. */
  newestRotated(): string | null {
    const paths = [...this.closed.paths(), ...this.active.filter((f) => f.role === 'rotated').map((f) => f.row.path)].filter(
      (p) => p !== this.opts.layout.live,
    );
    paths.sort((a, b) => comparePaths(this.opts.layout, a, b));
    return paths.length === 0 ? null : paths[paths.length - 1];
  }

  private readFile(f: TrackedFile, budget: number): void {
    const change = f.changedUnderneath();
    if (change !== null) {
      this.hooks.notice(
        `${f.row.path}: ${change === 'truncated' ? 'truncated' : 'rewritten (the bytes before the committed offset changed)'}; reading it from the start`,
      );
      const snapshot = f.snapshot();
      if (snapshot !== null) this.closed.add(snapshot);
      f.restart();
      this.hooks.milestone();
    }
    this.lastRead += f.readPlain(budget, this.hooks.between);
    if (f.readPos < f.size) this.caughtUp = false;
  }

  /**
   * A queued .gz that does not decompress to its end is being written, or damaged. Each attempt
   * decompresses it whole (a second of CPU for a day's file), and it used to be made, and said,
   * at every poll: it is tried again when its size changes, and once it has held still for the
   * rotate-wait it is damaged: what decompresses is read, and where it ends reported.
   */
  private async readGzip(f: TrackedFile): Promise<void> {
    const size = statBig(f.row.path)?.size ?? -1n;
    const wait = this.gzWaits.get(f);
    const now = this.clock.elapsed();
    const still = wait !== undefined && wait.size === size;
    if (still && now - wait.since < this.opts.rotateWait) return;
    const n = await f.readGzip(this.hooks.between, still);
    if (n === null) {
      if (wait === undefined)
        this.hooks.notice(`${f.row.path}: the gzip file is incomplete or damaged; read once it has held still for the rotate-wait`);
      this.gzWaits.set(f, { size, since: still ? wait.since : now });
      return;
    }
    this.gzWaits.delete(f);
    this.lastRead += n;
    this.finish(f);
  }

  /** Close rotated files that are at their end and have stayed put. */
  private closeDrained(): void {
    const now = this.clock.elapsed();
    const wall = this.nowSeconds();
    for (const f of [...this.active]) {
      if (f.role !== 'rotated' || f.row.gz || f.reader === null || f.readPos < f.size) continue;
      // Elapsed time, not the stored wall-clock lastChange: a clock step must not close a file early.
      const settled = now - f.lastGrowth >= this.opts.rotateWait;
      // A --once run (cron) ends long before a rotate-wait: a rotated file that ends inside a record
      // and has not changed since an earlier run saw it, longer ago than the rotate-wait, is
      // settled by the stored time of that change; else its cut record was never reported.
      const settledBefore = this.opts.once && (wall - f.row.lastChange) * 1000 >= this.opts.rotateWait;
      if ((this.opts.once && f.reader.pending === 0) || settled || settledBefore) this.finish(f);
    }
  }

  /** A file read to its end: an incomplete last record is reported, never glued to another file. */
  private finish(f: TrackedFile): void {
    this.gzWaits.delete(f);
    if (!f.finish()) return;
    this.active = this.active.filter((x) => x !== f);
    this.closed.add(f.row);
    this.hooks.milestone();
  }

  /** Rows to store now: every open file's position, and rows changed since the last call. */
  checkpoint(): FileRow[] {
    const out: FileRow[] = [];
    for (const f of this.active) if (f.checkpoint()) out.push(f.row);
    this.closed.takeChanged(out);
    return out;
  }

  /** A commit failed: these rows still have to be stored. */
  unsaved(rows: readonly FileRow[]): void {
    this.closed.unsaved(rows);
  }

  /** Bytes on disk not yet read, over the files being followed. */
  lag(): number {
    let n = 0;
    for (const f of this.active) n += f.lag;
    return n;
  }

  followed(): FollowedFile[] {
    return this.active.map((f) => ({ path: f.row.path, role: f.role, offset: f.reader?.offset ?? f.row.offset, size: f.size }));
  }

  close(): void {
    for (const f of this.active) f.close();
  }
}
