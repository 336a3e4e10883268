/**
 * Verdicts from the buckets `tail` stored: the same rules and the same evaluation as over files,
 * with windows ending at `--at` or, for live state, now. Only the state's own (finest) buckets the
 * windows reach are read, by the dimensions the rules scope (which the state must keep): a window
 * that reaches back to where the state keeps only hours or days cannot be judged exactly, so
 * `--at` there is an error, and incidents and tail's replayed windows start where the finest tier
 * does.
 *
 * `StateJudge` is tail's verdict clock: windows end at the data's time while tail catches up
 * (every verdict-grain edge its committed records have passed, as a report over the same files
 * judges them for its incidents), and at the wall clock once it is live, so a day replayed through
 * `tail --once` raises the changes that bracket each incident of `report` on the same files.
 */
import { PmtaAcctError } from '../../errors.js';
import { bucketSeconds } from '../../rollup/buckets.js';
import type { Rollup } from '../../rollup/rollup.js';
import { openStateForReading, stateTiers, type Db, type StateConfig } from '../../state/state-db.js';
import { fineFrom, readRollup, storedEventSpan, tierPiece, tierSpans } from '../../state/stored-read.js';
import { stateLayout } from '../../state/layout.js';
import { formatSeconds } from '../../state/tiers.js';
import { findIncidents, INCIDENT_REACH, type IncidentSummary } from '../../verdict/incidents.js';
import { judge, type VerdictPlan, type VerdictSummary } from '../../verdict/plan.js';
import { judgeEnds } from '../../verdict/series.js';
import type { Verdict } from '../../verdict/types.js';
import { floorTo } from '../../verdict/window.js';
import { isoTime } from '../../render/format.js';

function checkDims(config: StateConfig, plan: VerdictPlan): void {
  const missing = plan.dims.filter((d) => !config.dims.includes(d));
  if (missing.length > 0) {
    throw new PmtaAcctError(
      'USAGE',
      `the verdict rules need ${missing.join(', ')}, which this state does not keep (tail --dims sets what a new state keeps; it keeps ${config.dims.join(', ')})`,
    );
  }
}

/** The finest tier's buckets windows ending in [first, last] reach, by the plan's dimensions. */
function storedWindows(db: Db, config: StateConfig, plan: VerdictPlan, first: number, last: number): Rollup {
  const size = bucketSeconds(config.bucket);
  const range = { since: floorTo(first - plan.horizon, size), until: last + size };
  return readRollup(db, config, [tierPiece(stateTiers(config)[0], range)], { dims: plan.dims, bucketOf: (start) => start, hist: false });
}

/** The first window end whose windows the finest tier holds whole. */
function judgeableFrom(db: Db, config: StateConfig, plan: VerdictPlan): number {
  return fineFrom(db, stateLayout(db, config)) + plan.horizon;
}

export function judgeStoredState(db: Db, config: StateConfig, plan: VerdictPlan, now: number): VerdictSummary {
  checkDims(config, plan);
  const size = bucketSeconds(config.bucket);
  const end = plan.at ?? now;
  const rolled = tierSpans(db, stateLayout(db, config), { since: floorTo(end - plan.horizon, size), until: end + size }).filter(
    (s) => s.tier.index > 0,
  );
  if (rolled.length > 0) {
    const tz = config.tz;
    throw new PmtaAcctError(
      'USAGE',
      `the rules look back ${formatSeconds(plan.horizon)} from ${isoTime(end, tz)}, to where the state keeps only ${rolled.map((s) => s.tier.grain).join(' and ')} buckets (from ${isoTime(rolled[0].first, tz)}): ${config.bucket} buckets are rolled up as they age (tail --retain); judge a later time`,
    );
  }
  return judge(plan, storedWindows(db, config, plan, end, end), size, end);
}

/** judgeStoredState over the state in `dir` (opened read-only: a tail may be writing it). */
export function judgeStateDir(dir: string, plan: VerdictPlan, now: number): VerdictSummary {
  const state = openStateForReading(dir);
  try {
    return state.db.transaction(() => judgeStoredState(state.db, state.config, plan, now))();
  } finally {
    state.close();
  }
}

/**
 * Incidents over the stored buckets: windows ending from the first event stored in [since, until)
 * to the verdicts' end (at most `until`), as over files, as far back as the finest tier reaches.
 */
export function stateIncidents(
  dir: string,
  plan: VerdictPlan,
  since: number | null,
  until: number | null,
  verdictEnd: number | null,
): IncidentSummary | null {
  const state = openStateForReading(dir);
  try {
    return state.db.transaction(() => {
      const { db, config } = state;
      checkDims(config, plan);
      const span = storedEventSpan(db, stateLayout(db, config));
      if (span.first === null || verdictEnd === null) return null;
      const from = Math.max(span.first, since ?? Number.NEGATIVE_INFINITY);
      const to = Math.min(verdictEnd, until ?? Number.POSITIVE_INFINITY);
      if (!(to > from)) return null;
      const size = bucketSeconds(config.bucket);
      const earliest = judgeableFrom(db, config, plan);
      return findIncidents({
        rollup: storedWindows(db, config, plan, Math.max(from, to - INCIDENT_REACH, earliest), to),
        bucketSeconds: size,
        rules: plan.rules,
        limits: plan.limits,
        from,
        to,
        step: Math.max(size, bucketSeconds(plan.bucket)),
        earliest,
      });
    })();
  } finally {
    state.close();
  }
}

/** Tail's verdict clock over its state (see the top of this file). */
export class StateJudge {
  private readonly grain: number;
  private readonly size: number;
  /** The last window end judged; before any, where the data to judge begins. */
  private judgedTo: number | null;
  private started: boolean;

  /** `startFrom`: the latest event the state held when tail started (judged once, as it is), or null for a new state. */
  constructor(
    private readonly db: Db,
    private readonly config: StateConfig,
    private readonly plan: VerdictPlan,
    startFrom: number | null,
  ) {
    checkDims(config, plan);
    this.size = bucketSeconds(config.bucket);
    this.grain = Math.max(this.size, bucketSeconds(plan.bucket));
    this.judgedTo = startFrom;
    this.started = startFrom !== null;
  }

  /**
   * The window ends due, each with its verdicts, in order: every grain edge in (last judged end,
   * latest committed event]; then `last`, when given and later (the latest event + 1 at the end of
   * `--once`, now once tail is live). `firstEvent`: the first event committed (where a new state's
   * data begins). Ends whose windows reach back to where the state keeps only coarser buckets (a
   * catch-up over files older than the finest tier's retention) are passed over: judged, they would
   * see nothing and report silence.
   */
  judge(firstEvent: number | null, dataTime: number | null, last: number | null): { end: number; verdicts: readonly Verdict[] }[] {
    if (!this.started && firstEvent !== null) {
      this.judgedTo = firstEvent;
      this.started = true;
    }
    const ends: number[] = [];
    const from = this.judgedTo;
    if (from !== null && dataTime !== null)
      for (let e = floorTo(from, this.grain) + this.grain; e <= dataTime; e += this.grain) ends.push(e);
    const prev = ends.at(-1) ?? from ?? Number.NEGATIVE_INFINITY;
    if (last !== null && last > prev) ends.push(last);
    if (ends.length === 0) return [];
    this.judgedTo = ends[ends.length - 1];
    this.started = true;
    const earliest = judgeableFrom(this.db, this.config, this.plan);
    const judged = ends.filter((e) => e >= earliest);
    if (judged.length === 0) return [];
    const out: { end: number; verdicts: readonly Verdict[] }[] = [];
    const rollup = storedWindows(this.db, this.config, this.plan, judged[0], judged[judged.length - 1]);
    judgeEnds({ rollup, bucketSeconds: this.size, rules: this.plan.rules, limits: this.plan.limits }, judged, (end, verdicts) =>
      out.push({ end, verdicts }),
    );
    return out;
  }
}
