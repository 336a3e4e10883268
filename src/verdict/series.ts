/**
 * The rules judged at every window end of a period, in order, over one bucketed rollup: what a
 * report's incidents are made of (incidents.ts) and what `tail` replays when it catches up on data
 * older than now. Window ends step by the verdict grain and the last one is the period's own end,
 * so the last step is exactly what `evaluate` says at that end (the report's verdicts, `check`).
 */
import type { RateLimits } from '../pmta-config/limits.js';
import type { Rollup } from '../rollup/rollup.js';
import { JudgeMemo, judgeAt } from './evaluate.js';
import type { RuleSet, Verdict } from './types.js';
import { floorTo } from './window.js';
import { slidingRows } from './window-rows.js';

/** Window ends after `from` and up to `to`: every multiple of `grain` in (from, to), then `to` itself. */
export function windowEnds(from: number, to: number, grain: number): number[] {
  const out: number[] = [];
  if (!(to > from)) return out;
  for (let e = floorTo(from, grain) + grain; e < to; e += grain) out.push(e);
  out.push(to);
  return out;
}

export interface SeriesInput {
  readonly rollup: Rollup;
  readonly bucketSeconds: number;
  readonly rules: RuleSet;
  readonly limits: RateLimits | null;
  /** Only WARN and CRIT verdicts are built (incidents need no others). */
  readonly problemsOnly?: boolean;
  /** With problemsOnly: the last end is judged in full all the same (a report's verdicts, which are that end's). */
  readonly fullAtLast?: boolean;
}

/** Judge the rules at each end in order, over sliding sums of the rollup (one pass per rule). */
export function judgeEnds(input: SeriesInput, ends: readonly number[], visit: (end: number, verdicts: readonly Verdict[]) => void): void {
  const rows = slidingRows(input.rollup);
  const memo = new JudgeMemo();
  ends.forEach((end, i) => {
    const full = input.fullAtLast === true && i === ends.length - 1;
    visit(
      end,
      judgeAt({
        rows,
        bucketSeconds: input.bucketSeconds,
        end,
        rules: input.rules,
        limits: input.limits,
        problemsOnly: full ? false : input.problemsOnly,
        // the memo holds what a judgement with problemsOnly passed over: not for a full one
        memo: full ? undefined : memo,
      }),
    );
  });
}
