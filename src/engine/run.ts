/**
 * A rollup over a set of inputs: plan tasks, run them on threads, check the guesses each range
 * made (where it started, which header was in effect) and redo the few that guessed wrong, and
 * merge. A whole file's result is merged as soon as it arrives and dropped, so memory does not
 * grow with the number of files; the ranges of a split file wait for each other to be checked.
 * Counters are integers added exactly and every output is sorted by content, so the order of
 * merging changes nothing; problems (the first N kept) are put back in input order. The result
 * does not depend on the number of threads or on chunk sizes.
 */
import { PmtaAcctError } from '../errors.js';
import { mergeProblemSummaries, type ProblemSummary } from '../parse/problems.js';
import { bucketSeconds } from '../rollup/buckets.js';
import { keepBucketsFrom } from '../rollup/regroup.js';
import { Rollup, type RollupData } from '../rollup/rollup.js';
import { inputBytes, type InputFile } from '../source/inputs.js';
import { tooManyGroups } from './group-limit.js';
import { addStats, emptyStats, windowKeepFrom, type EngineOptions, type SinkStats } from './options.js';
import { planTasks } from './plan.js';
import { runTasks, type PoolHooks } from './pool.js';
import { RangeChecker } from './range-check.js';
import type { Task, TaskResult } from './task.js';
import { threadsForWork } from './thread-count.js';
import { tierFor } from './tiering.js';
import { DEFAULT_MIN_RANGE } from './prestart.js';
import { mark } from './trace.js';

export interface RunProgress {
  readonly files: number;
  readonly filesDone: number;
  /** Input bytes on disk (compressed for .gz), all and read so far. */
  readonly bytes: number;
  readonly bytesDone: number;
  readonly records: number;
}

export interface RunOptions {
  readonly threads: number;
  /** Smallest byte range a big file is split into (default 16 MiB). */
  readonly minRange?: number;
  /**
   * `threads` is the most the run may use, not an order (the user did not ask for a count): it
   * uses as many as pay for what a worker costs (thread-count.ts).
   */
  readonly autoThreads?: boolean;
  /** Called as the run goes (a few times a second at most per thread). */
  readonly onProgress?: (p: RunProgress) => void;
}

/** Pool hooks that turn task progress into run progress (files done, bytes, records). */
function progressHooks(inputs: readonly InputFile[], tasks: readonly Task[], report: (p: RunProgress) => void): PoolHooks {
  const left = new Array<number>(inputs.length).fill(0);
  for (const t of tasks) left[t.file]++;
  const p = { files: inputs.length, filesDone: 0, bytes: inputs.reduce((n, i) => n + i.size, 0), bytesDone: 0, records: 0 };
  return {
    onProgress(bytes, records) {
      p.bytesDone += bytes;
      p.records += records;
      report({ ...p });
    },
    onTaskDone(task) {
      if (--left[task.file] === 0) p.filesDone++;
      report({ ...p });
    },
  };
}

export interface RunResult {
  readonly rollup: Rollup;
  /** The verdict rollup (options.windows), or null. */
  readonly windows: Rollup | null;
  readonly problems: ProblemSummary;
  readonly stats: SinkStats;
  readonly files: number;
  readonly bytes: number;
}

export async function runRollup(inputs: readonly InputFile[], options: EngineOptions, run: RunOptions): Promise<RunResult> {
  mark('run: start');
  tierFor(inputs);
  const threads = run.autoThreads === true ? threadsFor(inputs, run.threads) : run.threads;
  if (run.autoThreads === true) mark(`run: ${threads} of ${run.threads} threads pay`);
  const tasks = planTasks(inputs, { threads, minRange: run.minRange ?? DEFAULT_MIN_RANGE, header: options.header });
  const perFile = new Array<number>(inputs.length).fill(0);
  for (const t of tasks) perFile[t.file]++;
  let rollup: Rollup | null = null;
  let windows: Rollup | null = null;
  const problems = new Array<ProblemSummary[]>(inputs.length);
  let stats = emptyStats();
  let bytes = 0;
  const absorb = (file: number, r: TaskResult) => {
    rollup = mergeInto(rollup, r.rollup, options.dims);
    if (options.maxGroups !== undefined && rollup.size > options.maxGroups)
      throw tooManyGroups(options.maxGroups, options.dims, options.bucket !== null);
    if (options.windows && r.windows !== null) windows = mergeInto(windows, r.windows, options.windows.dims);
    stats = addStats(stats, r.stats);
    bytes += r.bytes;
    (problems[file] ??= []).push(r.problems);
  };
  // The ranges of a split file are checked and merged in file order as they come in (range-check.ts).
  const checkers = new Map<number, RangeChecker>();
  const position = new Array<number>(tasks.length);
  for (let file = 0; file < inputs.length; file++) {
    if (perFile[file] < 2) continue;
    const ranges = tasks.filter((t) => t.file === file);
    ranges.forEach((t, i) => {
      position[t.index] = i;
    });
    checkers.set(file, new RangeChecker(ranges, (r) => absorb(file, r)));
  }
  const progress = run.onProgress === undefined ? {} : progressHooks(inputs, tasks, run.onProgress);
  const hooks: PoolHooks = {
    ...progress,
    onResult(task, result) {
      const checker = checkers.get(task.file);
      if (checker === undefined) absorb(task.file, result);
      else checker.add(position[task.index], result);
      return true;
    },
  };
  try {
    await runTasks(tasks, options, threads, inputs.map(inputBytes), hooks);
    for (const checker of checkers.values()) await checker.finish(options);
    mark('run: ranges checked');
  } catch (err) {
    // A bad record under --strict in a range of a split file: the range knows its byte but not its
    // line (nor whether a range before it has an earlier one). The run is over anyway: read the
    // files again on one thread, which fails at the first bad record with its line.
    if (err instanceof PmtaAcctError && err.code === 'BAD_RECORD' && checkers.size > 0)
      return runRollup(inputs, options, { ...run, threads: 1, autoThreads: false });
    throw err;
  }
  // Merged in arrival order: put what keeps an order in one that does not depend on it.
  stats = {
    ...stats,
    unknownTypes: Object.fromEntries(Object.entries(stats.unknownTypes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    columnsFound: [...stats.columnsFound].sort(),
  };
  return {
    rollup: rollup ?? new Rollup(options.dims),
    windows: options.windows ? trimWindows(windows ?? new Rollup(options.windows.dims), options, stats) : null,
    problems: mergeProblemSummaries(
      problems.flatMap((p) => p ?? []),
      options.keepProblems,
    ),
    stats,
    files: inputs.length,
    bytes,
  };
}

/** Threads that pay for a run over `inputs`, at most `most` (thread-count.ts). */
function threadsFor(inputs: readonly InputFile[], most: number): number {
  let bytes = 0;
  let gzipped = 0;
  for (const input of inputs) {
    const n = inputBytes(input);
    bytes += n;
    if (input.gzip) gzipped += n;
  }
  return threadsForWork(bytes, gzipped, most);
}

/**
 * `into` with `r` added: `r` itself when there is nothing yet and `r` is a task's own rollup (from
 * this thread), which a merge into an empty rollup would only copy.
 */
function mergeInto(into: Rollup | null, r: Rollup | RollupData, dims: readonly string[]): Rollup {
  if (into === null && r instanceof Rollup) return r;
  const out = into ?? new Rollup(dims);
  out.merge(r);
  return out;
}

/** The verdict rollup without the buckets no window ending at the run's end reaches. */
function trimWindows(merged: Rollup, options: EngineOptions, stats: SinkStats): Rollup | null {
  const spec = options.windows ?? null;
  if (spec === null) return null;
  if (stats.lastEvent === null) return merged;
  const end = Math.min(spec.until ?? Number.POSITIVE_INFINITY, stats.lastEvent + 1);
  const from = windowKeepFrom(spec, bucketSeconds(spec.bucket), end);
  return keepBucketsFrom(merged, from);
}
