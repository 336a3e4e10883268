/**
 * tail's verdicts and alerts over its own state. Windows end at each verdict-grain edge the
 * committed data has passed (a replay judges the day as report does: StateJudge), then at now once
 * tail is live (with --once: one second after the latest event). Each level change becomes a
 * notice and, with --on-change or --webhook, an alert. Time comes from the injected clock (wall
 * time for "now", elapsed time for the throttle), so a test steps it without spawning the CLI.
 */
import type { Payload } from '../../notify/payload.js';
import { changePayload } from '../../notify/payload.js';
import type { RollupDelta } from '../../state/rollup-store.js';
import { storedEventSpan } from '../../state/stored-read.js';
import { stateLayout } from '../../state/layout.js';
import type { Clock } from '../../util/clock.js';
import { messageOf } from '../../errors.js';
import type { VerdictPlan } from '../../verdict/plan.js';
import { LevelTracker } from '../../verdict/tracker.js';
import { StateJudge } from '../sources/state-verdicts.js';
import type { TailSession } from './tail-session.js';

/** Without a commit, verdicts are judged again this often (windows move with time). */
const REJUDGE_MS = 60_000;

export interface TailAlertsOptions {
  readonly plan: VerdictPlan;
  /** `--once`: the last judgement ends one second after the latest event, as a report's does. */
  readonly once: boolean;
  /** Where a level change goes besides the notices (--on-change, --webhook); null: notices only. */
  readonly notifier: { send(payload: Payload): void } | null;
  /** `--alert-link`, put in every alert. */
  readonly link: string | null;
  /** Whether to judge at all (alerts, or the live view's notices, need it). */
  readonly enabled: boolean;
  readonly clock: Clock;
  notice(message: string): void;
}

export class TailAlerts {
  private readonly tracker: LevelTracker;
  /** The committed data's first and latest event: where windows end while catching up. */
  private firstData: number | null = null;
  private dataTime: number | null = null;
  private judgedCommits = -1;
  private judgedAt = Number.NEGATIVE_INFINITY;
  private judging: boolean;
  private judge: StateJudge | null = null;
  private stateLast: number | null = null;

  constructor(private readonly opts: TailAlertsOptions) {
    this.tracker = new LevelTracker(new Map(opts.plan.rules.rules.map((r) => [r.name, r.hold ?? 0])));
    this.judging = opts.enabled;
  }

  /** After each commit: what it added moves the data's time on. */
  committed(delta: RollupDelta): void {
    for (const b of delta.buckets.values()) {
      if (Number.isFinite(b.first)) this.firstData = Math.min(this.firstData ?? b.first, b.first);
      if (Number.isFinite(b.last)) this.dataTime = Math.max(this.dataTime ?? b.last, b.last);
    }
  }

  /**
   * Judge the windows due: after a commit, or when the last judgement is a minute old, or at the
   * end (`final`). An error turns verdicts off for the rest of the run, with a notice.
   */
  judgeNow(session: TailSession, final = false): void {
    if (!this.judging) return;
    const opts = this.opts;
    const elapsed = opts.clock.elapsed();
    if (!final && session.commits === this.judgedCommits && elapsed - this.judgedAt < REJUDGE_MS) return;
    this.judgedCommits = session.commits;
    this.judgedAt = elapsed;
    const now = Math.floor(opts.clock.now() / 1000);
    try {
      if (this.judge === null) {
        this.stateLast = session.started
          ? null
          : storedEventSpan(session.state.db, stateLayout(session.state.db, session.state.config)).last;
        this.judge = new StateJudge(session.state.db, session.state.config, opts.plan, this.stateLast);
      }
      // --once ends one second after the latest event (this run's, else the state's), as a report does
      const latest = this.dataTime ?? this.stateLast;
      const last = opts.once ? (final && latest !== null ? latest + 1 : null) : session.follower.lag() === 0 ? now : null;
      for (const step of this.judge.judge(this.firstData, this.dataTime, last)) {
        for (const c of this.tracker.update(step.verdicts, step.end)) {
          opts.notice(`${c.previous} -> ${c.verdict.level}: ${c.verdict.message}`);
          opts.notifier?.send(changePayload(c, session.state.config.tz, step.end, opts.link));
        }
      }
    } catch (err) {
      this.judging = false;
      opts.notice(`verdicts off: ${messageOf(err)}`);
    }
  }
}
