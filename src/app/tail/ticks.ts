/**
 * What a running tail does besides counting: after each commit, the JSON lines of the buckets that
 * closed and the metrics' counters; once a second (`tick`), the read rate, the metrics' gauges, the
 * buckets closed by the wall clock, and every 5 seconds the verdicts (alerts.ts). On the injected
 * clock: elapsed time for intervals, wall time for what closes by the calendar.
 */
import type { RollupDelta, TouchedBucket } from '../../state/rollup-store.js';
import type { Clock } from '../../util/clock.js';
import type { TailAlerts } from './alerts.js';
import type { ClosedBuckets } from './closed-buckets.js';
import type { TailMetrics } from './metrics.js';
import type { TailSession } from './tail-session.js';

/** Verdicts are looked at this often (they are judged only when due: TailAlerts.judgeNow). */
const JUDGE_EVERY_MS = 5000;

export interface TailTicksOptions {
  readonly clock: Clock;
  readonly alerts: TailAlerts;
  /** Writes JSON lines (pieces of text) now. */
  write(pieces: Iterable<string>): void;
}

export class TailTicks {
  /** `--format ndjson`: the closed buckets as JSON lines (set once the state is open); null for none. */
  closed: ClosedBuckets | null = null;
  /** `--metrics` (set once the state is open); null for none. */
  metrics: TailMetrics | null = null;
  /** Records read per second over the last tick. */
  rate = 0;
  private lastRows = 0;
  private lastAt: number;
  private lastJudge = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: TailTicksOptions) {
    this.lastAt = opts.clock.elapsed();
  }

  /** The ticks begin (the read rate counts from here). */
  start(): void {
    this.lastAt = this.opts.clock.elapsed();
  }

  /**
   * After each commit. Buckets closed by event time are written now: a catch-up (--once) never
   * yields to the tick, and holding their lines to the end made tail grow with the days read.
   */
  committed(delta: RollupDelta, touched: readonly TouchedBucket[]): void {
    const { closed, metrics } = this;
    if (closed !== null) {
      closed.add(delta, touched);
      for (const line of closed.take(null)) this.opts.write(line);
    }
    metrics?.add(delta);
    this.opts.alerts.committed(delta);
  }

  /** Once a second. */
  tick(session: TailSession): void {
    const { closed, metrics } = this;
    const { clock, alerts } = this.opts;
    const now = clock.elapsed();
    const rows = session.rowsRead + session.sink.rows;
    this.rate = ((rows - this.lastRows) * 1000) / Math.max(1, now - this.lastAt);
    this.lastRows = rows;
    this.lastAt = now;
    metrics?.lag.set(session.follower.lag());
    metrics?.files.set(session.follower.followed().length);
    if (session.sink.lastEvent !== null) metrics?.lastEvent.set(session.sink.lastEvent);
    if (closed !== null) for (const line of closed.take(Math.floor(clock.now() / 1000))) this.opts.write(line);
    if (now - this.lastJudge >= JUDGE_EVERY_MS) {
      this.lastJudge = now;
      alerts.judgeNow(session);
    }
  }

  /** At the end: what is still open is written (all of it after --once), and a last judgement. */
  finish(session: TailSession, once: boolean): void {
    const { clock, alerts } = this.opts;
    const closed = this.closed;
    if (closed !== null) for (const line of closed.take(once ? null : Math.floor(clock.now() / 1000))) this.opts.write(line);
    alerts.judgeNow(session, true);
  }
}
