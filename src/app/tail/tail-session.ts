/**
 * A `tail` run: the follower feeds the one parser/classifier/rollup, and commits write the
 * rollup delta, the totals and every file's offset in one SQLite transaction: at most every
 * `commitInterval` or `commitRows` rows, at rotations and drained files, and at shutdown. Counting
 * happens in memory only; what a crash loses is exactly what the next start reads again.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/config-file.js';
import { engineOptionsOf } from '../../engine/options.js';
import { PmtaAcctError } from '../../errors.js';
import { makeLayout } from '../../source/discovery.js';
import type { StartFrom } from '../../source/follower.js';
import { stored } from '../../source/file-row.js';
import { FollowerGroup } from '../../source/follower-group.js';
import { TierAging } from '../../state/aging.js';
import { FileRows } from '../../state/file-rows.js';
import { type Gap } from '../../source/file-row.js';
import { RollupStore, type RollupDelta, type TouchedBucket } from '../../state/rollup-store.js';
import { openStateForTail, saveConfig, type OpenedState, type StateConfig } from '../../state/state-db.js';
import { StateFaultError, faultText, stateFault } from '../../state/state-faults.js';
import { CommitFaults } from './commit-faults.js';
import { resolveRetention, type RetainSpec } from '../../state/tiers.js';
import { mergeDeltas, TailSink } from './tail-sink.js';
import { systemClock, type Clock } from '../../util/clock.js';

/** How long the row of a file gone from disk is kept (to recognise its content if it comes back). */
const GONE_FILES_KEPT = 35 * 86400;

export interface TailRequest {
  readonly stateDir: string;
  /** The config a new state is created with (ignored, but checked, when the state exists). */
  readonly create: StateConfig;
  /** Which of `create`'s fields the user gave explicitly (a mismatch with the state is an error). */
  readonly explicit: ReadonlySet<keyof StateConfig>;
  readonly rotatedDirs: readonly string[];
  readonly from: StartFrom;
  readonly once: boolean;
  /** `--retain`, resolved against the state's tiers once it is open. */
  readonly retain: RetainSpec;
  readonly commitInterval: number;
  readonly commitRows: number;
  readonly rotateWait: number;
  readonly scanInterval: number;
  readonly config: Config;
  readonly hardCategories: readonly string[] | null;
  readonly chunkSize: number;
  /**
   * Tests only: `before|inside|after:N` kills the process (SIGKILL) at the Nth commit, before
   * its transaction, inside it after every write, or after it (PMTA_ACCT_FAILPOINT); with
   * `:SIGTERM` (or SIGHUP, SIGINT) that signal is sent there instead, as a signal arriving during
   * the commit would be.
   */
  readonly failpoint?: string;
  /** Wall and elapsed time; the system's by default (tests step the wall clock). */
  readonly clock?: Clock;
}

export interface TailEvents {
  notice(message: string): void;
  gap(gap: Gap): void;
  /** After each successful commit, with what it added and the buckets (per tier) it wrote to. */
  committed(delta: RollupDelta, touched: readonly TouchedBucket[]): void;
  /** Before each commit's transaction (tail --stdin makes its spool durable there); a throw fails the commit. */
  beforeCommit?(): void;
}

function checkConfig(stored: StateConfig, req: TailRequest): void {
  const want = req.create;
  const differs: string[] = [];
  const lives = (c: StateConfig) => [c.live, ...(c.moreLive ?? [])];
  const had = lives(stored);
  const asked = lives(want);
  if (had.length !== asked.length || had.some((l, i) => l !== asked[i]))
    differs.push(`it follows ${had.join(', ')}, not ${asked.join(', ')}`);
  if (req.explicit.has('bucket') && stored.bucket !== want.bucket) differs.push(`its buckets are ${stored.bucket}, not ${want.bucket}`);
  if (req.explicit.has('dims') && stored.dims.join(',') !== want.dims.join(','))
    differs.push(`it keeps ${stored.dims.join(',')}, not ${want.dims.join(',')}`);
  if (req.explicit.has('tz') && stored.tz !== want.tz) differs.push(`its time zone is ${stored.tz}, not ${want.tz}`);
  if (differs.length > 0) {
    throw new PmtaAcctError('STATE', `state ${req.stateDir}: ${differs.join('; ')} (use another --state DIR for another setup)`);
  }
}

export class TailSession {
  readonly state: OpenedState;
  readonly sink: TailSink;
  readonly follower: FollowerGroup;
  readonly store: RollupStore;
  readonly aging: TierAging;
  /** Seconds each tier keeps its buckets (state/tiers.ts). */
  readonly retention: readonly number[];
  readonly fileRows: FileRows;
  readonly started: boolean;
  private readonly req: TailRequest;
  private readonly events: TailEvents;
  private readonly failAt: { where: string; n: number; signal: NodeJS.Signals } | null;
  private readonly engineHard: readonly string[];
  private unsaved: RollupDelta | null = null;
  /** Failed commits: what they left unsaved, and a fault that ends the run. */
  private readonly faults: CommitFaults;
  private gaps: Gap[] = [];
  private readonly clock: Clock;
  private lastCommit: number;
  private lastPrune = -Infinity;
  private milestone = false;
  /** Aged buckets are still waiting to move to a coarser tier (moves are capped per commit). */
  private agingDue = true;
  private committing = false;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  /** Records read by this process, and commits made. */
  rowsRead = 0;
  commits = 0;
  gapCount = 0;

  private constructor(state: OpenedState, req: TailRequest, events: TailEvents, retention: readonly number[]) {
    this.state = state;
    this.req = req;
    this.events = events;
    this.clock = req.clock ?? systemClock;
    this.faults = new CommitFaults(state.dir);
    this.lastCommit = this.clock.elapsed();
    const fp = /^(before|inside|after):(\d+)(?::(SIGTERM|SIGHUP|SIGINT))?$/.exec(req.failpoint ?? '');
    this.failAt = fp === null ? null : { where: fp[1], n: Number(fp[2]), signal: (fp[3] ?? 'SIGKILL') as NodeJS.Signals };
    const c = state.config;
    const engine = engineOptionsOf(
      {
        tz: c.tz,
        since: c.since,
        until: null,
        config: req.config,
        hardCategories: req.hardCategories,
        header: null,
        strict: false,
        chunkSize: req.chunkSize,
      },
      c.dims,
      c.bucket,
    );
    this.engineHard = engine.hardCategories;
    this.sink = new TailSink(engine);
    this.store = new RollupStore(state.db, c);
    this.retention = retention;
    this.aging = new TierAging(state.db, c, this.store.tiers, retention);
    this.fileRows = new FileRows(state.db);
    this.started = state.created;
    this.follower = new FollowerGroup(
      [c.live, ...(c.moreLive ?? [])].map((live) => makeLayout(live, c.rotatedDirs ?? [])),
      {
        rotateWait: req.rotateWait,
        once: req.once,
        batchBytes: 16 << 20,
        scanInterval: req.scanInterval,
        clock: this.clock,
        chunkSize: engine.chunkSize,
        maxRecordBytes: engine.maxRecordBytes,
        maxRecordLines: engine.maxRecordLines,
      },
      {
        sink: this.sink,
        problems: this.sink.inner.problems,
        notice: (m) => events.notice(m),
        gap: (g) => {
          this.gaps.push(g);
          this.gapCount++;
          events.gap(g);
        },
        between: () => this.maybeCommit(),
        milestone: () => {
          this.milestone = true;
        },
        goneWith: (fp) => this.fileRows.goneWith(fp),
      },
    );
  }

  /** Open (or create) the state, lock it, and match the stored files with the files present. */
  static async open(req: TailRequest, events: TailEvents): Promise<TailSession> {
    // A state set up for other files or buckets is refused before an old schema is migrated.
    const opened = openStateForTail(req.stateDir, { ...req.create, rotatedDirs: req.rotatedDirs.map((d) => resolve(d)) }, (stored) =>
      checkConfig(stored, req),
    );
    try {
      return await TailSession.start(opened, req, events);
    } catch (err) {
      opened.close();
      throw stateFault(opened.dir, 'opening the state', err);
    }
  }

  private static async start(opened: OpenedState, req: TailRequest, events: TailEvents): Promise<TailSession> {
    // Rotated directories accumulate: a restart without --rotated-dir still looks there.
    const dirs = [...new Set([...(opened.config.rotatedDirs ?? []), ...req.rotatedDirs.map((d) => resolve(d))])];
    const config: StateConfig = { ...opened.config, rotatedDirs: dirs };
    if (dirs.length !== (opened.config.rotatedDirs ?? []).length) saveConfig(opened.db, config);
    const state: OpenedState = { ...opened, config };
    const tiers = config.tiers ?? [config.bucket];
    const { retention, error } = resolveRetention(req.retain, tiers);
    if (error !== null) throw new PmtaAcctError('USAGE', error);
    const session = new TailSession(state, req, events, retention);
    session.checkClassification();
    const rows = session.fileRows.active();
    await session.follower.start(rows, state.created ? req.from : null);
    session.prune();
    session.commit();
    if (session.faults.fatal !== null) throw session.faults.fatal;
    return session;
  }

  /**
   * Hard bounce categories and ISP overrides decide where a record is counted: say so when they
   * differ from those the state was counted with (what is stored stays as it was counted).
   */
  private checkClassification(): void {
    const now = JSON.stringify({ hardCategories: [...this.engineHard].sort(), isps: this.req.config.isps });
    const db = this.state.db;
    const row = db.prepare("SELECT value FROM meta WHERE key = 'classification'").get() as { value: string } | undefined;
    if (row !== undefined && row.value !== now) {
      this.events.notice(
        'the hard bounce categories or ISP overrides differ from those this state was counted with: what is stored stays as it was counted, new records use the new settings',
      );
    }
    if (row?.value !== now)
      db.prepare("INSERT INTO meta (key, value) VALUES ('classification', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
        now,
      );
  }

  private prune(): void {
    const now = this.nowSeconds();
    try {
      this.state.db.transaction(() => {
        this.aging.prune(now);
        this.fileRows.prune(now - Math.min(GONE_FILES_KEPT, this.retention[this.retention.length - 1]));
      })();
    } catch (err) {
      // A full disk: the old buckets go at the next prune. A damaged state stops the run.
      this.faulted(err, 'dropping old buckets');
    }
    // Buckets age with time, data or not: the next round commits to move them on.
    this.agingDue = true;
    this.lastPrune = this.clock.elapsed();
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private commitDue(): boolean {
    return this.sink.rows >= this.req.commitRows || this.clock.elapsed() - this.lastCommit >= this.req.commitInterval;
  }

  private maybeCommit(): void {
    if (this.commitDue()) this.commit();
  }

  /** Write the delta, the totals and the file offsets in one transaction. */
  commit(): boolean {
    if (this.committing || this.faults.fatal !== null) return false;
    this.committing = true;
    const counted = this.sink.rows;
    this.rowsRead += counted;
    const fresh = this.sink.takeDelta();
    const delta = this.unsaved === null ? fresh : mergeDeltas(this.unsaved, fresh);
    const rows = this.follower.checkpoint();
    const gaps = this.gaps;
    const newIds = rows.filter((r) => r.id === 0);
    const idle = delta.rollup.size === 0 && rows.length === 0 && gaps.length === 0 && [...delta.totals.values()].every((v) => v === 0);
    if (idle && !this.agingDue) {
      // Nothing happened (an idle live file): no transaction, no fsync, no churn.
      if (delta === fresh) this.sink.recycle(fresh.rollup);
      this.unsaved = null;
      this.faults.succeeded();
      this.lastCommit = this.clock.elapsed();
      this.milestone = false;
      this.committing = false;
      return true;
    }
    let touched: readonly TouchedBucket[] = [];
    let more = false;
    try {
      if (this.state.moved?.() === true) {
        throw new StateFaultError(
          'moved',
          faultText('moved', this.state.dir, 'commit failed', `${this.state.dir}/state.db is not the file opened`),
          null,
        );
      }
      this.events.beforeCommit?.();
      this.fail('before');
      const now = this.nowSeconds();
      this.state.db.transaction(() => {
        // Floors first: a record goes only to the tiers that hold its time from now on.
        more = this.aging.age(now);
        touched = this.store.write(delta, this.aging.route());
        for (const row of rows) {
          if (row.id === 0) stored(row, this.fileRows.add(row));
          else this.fileRows.save(row);
        }
        for (const g of gaps) this.fileRows.addGap(g);
        this.state.db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq'").run();
        this.fail('inside');
      })();
      this.fail('after');
    } catch (err) {
      for (const row of newIds) stored(row, 0);
      this.unsaved = delta;
      this.follower.unsaved(rows);
      this.lastCommit = this.clock.elapsed();
      this.committing = false;
      const failed = this.faults.failed(err, counted);
      if (failed.stop) {
        this.stop();
        return false;
      }
      this.store.reload();
      this.events.notice(failed.notice);
      return false;
    }
    this.unsaved = null;
    this.faults.succeeded();
    this.gaps = [];
    this.agingDue = more;
    this.commits++;
    this.lastCommit = this.clock.elapsed();
    this.milestone = false;
    this.committing = false;
    this.events.committed(delta, touched);
    if (delta === fresh) this.sink.recycle(delta.rollup);
    return true;
  }

  private fail(where: string): void {
    if (this.failAt !== null && this.failAt.where === where && this.failAt.n === this.commits + 1)
      process.kill(process.pid, this.failAt.signal);
  }

  /**
   * A fault met outside a commit (reading the state for the JSON lines, the alerts, the view):
   * a damaged or removed state stops the run as a failed commit would; anything else is a notice.
   */
  faulted(err: unknown, doing: string): void {
    const fault = stateFault(this.state.dir, doing, err);
    if (this.faults.stopsOn(fault)) {
      this.stop();
      return;
    }
    if (!(fault instanceof PmtaAcctError)) throw fault;
    this.events.notice(fault.message);
  }

  /** Wake the loop before its poll interval (a watcher saw a change). */
  wake(): void {
    this.follower.wake();
    this.wakeUp?.();
  }

  stop(): void {
    this.stopped = true;
    this.wakeUp?.();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Follow until stop() (or, with once, until everything present is read), then commit.
   * `pollInterval` is the time between polls when nothing wakes the loop.
   */
  async run(pollInterval: number): Promise<void> {
    try {
      while (!this.stopped) {
        await this.follower.poll();
        if (this.milestone || this.agingDue || this.commitDue()) this.commit();
        if (this.clock.elapsed() - this.lastPrune >= 3600_000) this.prune();
        if (this.req.once) {
          if (this.follower.caughtUp && !this.follower.scanPending) break;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollInterval);
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
          this.wakeUp = done;
        });
        this.wakeUp = null;
      }
    } finally {
      // What is left of the aging too: a --once run leaves every bucket in its tier.
      let more = true;
      while (more) more = this.commit() && this.agingDue;
      if (this.faults.fatal === null && this.unsaved === null) this.prune();
    }
    // A fault that stopped the run, or a last commit that failed: exit 3, saying what was not saved.
    const end = this.faults.endError(this.sink.rows, this.unsaved !== null);
    if (end !== null) throw end;
  }

  close(): void {
    this.follower.close();
    this.state.close();
  }
}
