/**
 * Two clocks, never mixed. Wall time (`now`) places events and stored facts in the calendar: verdict
 * windows, retention, when a gap was seen. Elapsed time (`elapsed`) measures intervals inside one
 * process: commit cadence, settling of rotated files, scan and refresh periods. An NTP step moves the
 * wall clock, never the elapsed one, so it cannot stall commits or close a rotated file early
 * (reliability.md §6 case 23). Tests inject a clock to step the wall time.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch (may jump). */
  readonly now: () => number;
  /** Milliseconds since an arbitrary origin; never goes back, never jumps. */
  readonly elapsed: () => number;
}

// The global `performance`, which Node makes on first use: a command that never measures an interval
// (report, check, query) then does not load perf_hooks and its modules (RESULTS.md, ninth pass).
export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
};

/**
 * The system clock, or one whose wall time starts at $PMTA_ACCT_NOW (epoch seconds) and runs on
 * from there: for tests and benches of what depends on the date (tiers and retention of a tail
 * state, verdict windows ending now), over data with fixed dates.
 */
export function clockOf(env: NodeJS.ProcessEnv = process.env): Clock {
  const at = Number(env.PMTA_ACCT_NOW);
  if (env.PMTA_ACCT_NOW === undefined || env.PMTA_ACCT_NOW === '' || !Number.isFinite(at)) return systemClock;
  const origin = performance.now();
  return { now: () => at * 1000 + (performance.now() - origin), elapsed: systemClock.elapsed };
}
