/**
 * Verdicts from the buckets `tail` stored: the same rules and the same evaluation as over files,
 * with windows ending at `--at` or, for live state, now. The stored rollup is read for the longest
 * window only and regrouped to the dimensions the rules scope (which the state must keep).
 */
import { PmtaAcctError } from '../errors.js';
import { bucketSeconds } from '../rollup/buckets.js';
import { regroup } from '../rollup/regroup.js';
import { readStoredRollup } from '../state/rollup-store.js';
import { openStateForReading, type Db, type StateConfig } from '../state/state-db.js';
import { judge, type VerdictPlan, type VerdictSummary } from '../verdict/plan.js';

export function judgeStoredState(db: Db, config: StateConfig, plan: VerdictPlan, now: number): VerdictSummary {
  const missing = plan.dims.filter((d) => !config.dims.includes(d));
  if (missing.length > 0) {
    throw new PmtaAcctError('USAGE', `the verdict rules need ${missing.join(', ')}, which this state does not keep (tail --dims sets what a new state keeps; it keeps ${config.dims.join(', ')})`);
  }
  const size = bucketSeconds(config.bucket);
  const end = plan.at ?? now;
  const from = end - plan.horizon;
  const since = from - (((from % size) + size) % size);
  const stored = readStoredRollup(db, config, { since, until: end + size });
  const rollup = regroup(stored.rollup, plan.dims, (start) => start);
  return judge(plan, rollup, size, end);
}

/** judgeStoredState over the state in `dir` (opened read-only: a tail may be writing it). */
export function judgeStateDir(dir: string, plan: VerdictPlan, now: number): VerdictSummary {
  const state = openStateForReading(dir);
  try {
    return judgeStoredState(state.db, state.config, plan, now);
  } finally {
    state.close();
  }
}
