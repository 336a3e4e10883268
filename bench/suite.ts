/**
 * What a benchmark suite is: scenarios (each a command run in a fresh process, in every round) and
 * targets (thresholds on what the scenarios measured). bench/run.ts runs every suite listed in
 * bench/suites/index.ts; a new suite is a file there and a line in that list.
 */
import type { PlainRollup } from './baselines/plain-rollup.js';

/** The generated inputs every suite may use (bench/data.ts makes them once and keeps them). */
export interface BenchData {
  readonly rows: number;
  /** The day as one plain file, gzipped, and as 24 rotated files (every 4th gzipped). */
  readonly file: string;
  readonly gz: string;
  readonly dir: string;
  readonly bytes: number;
  /** The share of the rotated day's bytes (decompressed) that its .gz files hold: about a third. */
  readonly dirGzipped: number;
  /** A 10,000-row file: start-up and fixed costs. */
  readonly small: string;
  readonly dataDir: string;
}

export interface BenchContext {
  readonly data: BenchData;
  /** The shipped bin (dist/bin/pmta-acct.js). */
  readonly cli: string;
  /** This directory in dist/ (compiled scenarios). */
  readonly here: string;
  /** availableParallelism(). */
  readonly cores: number;
  /** Variables that slow every Node start, set on this host and left out of the scenarios' environment (bench/machine.ts). */
  readonly removedVariables: readonly string[];
  /** The fleet suite's size (`--hosts`, `--days`): simulated hosts, and days of 5-minute buckets each. */
  readonly fleet: { readonly hosts: number; readonly days: number };
}

export interface Scenario {
  readonly id: string;
  readonly name: string;
  /** Node runs `script` with `args`; null runs Node alone with `args`. */
  readonly script: string | null;
  readonly args: readonly string[];
  /** Rows the scenario reads (for M rows/s and MB/s); 0: not a reading scenario. */
  readonly rows: number;
  readonly bytes: number;
  /** How its output is checked against the others of the same `family` (none: it computes something else). */
  readonly counts?: (stdout: string) => PlainRollup;
  readonly family?: string;
  /** Slow contenders run once, in the first round. */
  readonly once?: boolean;
  /**
   * The run reads only a part of the input (its name says which): its time is multiplied by this to
   * stand for the whole. csv-parse at 10 M rows would take minutes of each bench run for a ratio
   * that is the same at 1 M.
   */
  readonly scale?: number;
  /** Short runs are repeated within a round (the median is over all runs). */
  readonly runsPerRound?: number;
  /** Peak RSS is read through a preloaded hook; start-up is measured without it. */
  readonly rss?: boolean;
  /** Run in the host's environment as it is, the variables bench/machine.ts leaves out included (for scale). */
  readonly hostEnvironment?: boolean;
  /** Files or directories the scenario reads: read once, untimed, before each run (bench/warm-cache.ts). */
  readonly inputs?: readonly string[];
  /** Exit codes that are a success (default 0 only; `check` exits 1 or 2 for a WARN or CRIT verdict). */
  readonly exitCodes?: readonly number[];
}

export interface Measured {
  readonly id: string;
  readonly name: string;
  readonly seconds: number;
  readonly rssMb: number;
  readonly rows: number;
  readonly bytes: number;
  /** (slowest - fastest) / median over the runs: how much the host's load moved this scenario. */
  readonly spread: number;
  readonly runs: number;
}

export type TargetStatus = 'met' | 'missed' | 'n/a';

export interface TargetResult {
  readonly what: string;
  readonly value: string;
  readonly status: TargetStatus;
}

export interface Suite {
  readonly name: string;
  /** What the suite runs; it may prepare its inputs first (start servers, ship a fleet). */
  scenarios(ctx: BenchContext): Scenario[] | Promise<Scenario[]>;
  /** `get(id)` is a scenario's measurement (throws for an unknown id). */
  targets(get: (id: string) => Measured, ctx: BenchContext): TargetResult[];
}

/** A target that holds when `ok`; `applies` false makes it n/a (with the reason in the value). */
export function target(what: string, value: string, ok: boolean, applies: true | string = true): TargetResult {
  if (applies !== true) return { what, value: `${value} (${applies})`, status: 'n/a' };
  return { what, value, status: ok ? 'met' : 'missed' };
}
