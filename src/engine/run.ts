/**
 * A rollup over a set of inputs: plan tasks, run them on threads, check the guesses each range
 * made (where it started, which header was in effect) and redo the few that guessed wrong, and
 * merge. A whole file's result is merged as soon as it arrives and dropped, so memory does not
 * grow with the number of files; the ranges of a split file wait for each other to be checked.
 * Counters are integers added exactly and every output is sorted by content, so the order of
 * merging changes nothing; problems (the first N kept) are put back in input order. The result
 * does not depend on the number of threads or on chunk sizes.
 */
import { mergeProblemSummaries, type Problem, type ProblemSummary } from '../parse/problems.js';
import { bucketSeconds } from '../rollup/buckets.js';
import { keepBucketsFrom } from '../rollup/regroup.js';
import { Rollup, type RollupData } from '../rollup/rollup.js';
import type { InputFile } from '../source/inputs.js';
import { addStats, emptyStats, windowKeepFrom, type EngineOptions, type SinkStats } from './options.js';
import { planTasks } from './plan.js';
import { runTasks, type PoolHooks } from './pool.js';
import { runTask, type Task, type TaskResult } from './task.js';
import { tierFor } from './tiering.js';

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
  /** Smallest byte range a big file is split into (default 32 MiB). */
  readonly minRange?: number;
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

function sameHeader(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === b || (a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]));
}

function shiftLines(summary: ProblemSummary, lines: number): ProblemSummary {
  if (lines === 0) return summary;
  return { ...summary, first: summary.first.map((p: Problem) => ({ ...p, line: p.line + lines })) };
}

/** Walk one file's tasks in order, redoing those whose start or header guess was wrong. */
async function verifyFile(tasks: Task[], results: TaskResult[], options: EngineOptions): Promise<TaskResult[]> {
  const out: TaskResult[] = [];
  let expectStart = 0;
  let header = tasks[0].header;
  let lineBase = 0;
  for (const task of tasks) {
    let result = results[task.index];
    if (task.start !== expectStart || !sameHeader(task.header, header)) {
      if (expectStart >= task.end) continue;
      result = await runTask({ ...task, start: expectStart, header }, options);
    }
    out.push({ ...result, problems: shiftLines(result.problems, lineBase) });
    lineBase += result.lines;
    expectStart = result.endedAt;
    if (result.sawHeader) header = result.lastHeader;
  }
  return out;
}

export async function runRollup(inputs: readonly InputFile[], options: EngineOptions, run: RunOptions): Promise<RunResult> {
  tierFor(inputs);
  const tasks = planTasks(inputs, { threads: run.threads, minRange: run.minRange ?? 16 << 20, header: options.header });
  const perFile = new Array<number>(inputs.length).fill(0);
  for (const t of tasks) perFile[t.file]++;
  let rollup: Rollup | null = null;
  let windows: Rollup | null = null;
  const problems = new Array<ProblemSummary[]>(inputs.length);
  let stats = emptyStats();
  let bytes = 0;
  const absorb = (file: number, r: TaskResult) => {
    rollup = mergeInto(rollup, r.rollup, options.dims);
    if (options.windows && r.windows !== null) windows = mergeInto(windows, r.windows, options.windows.dims);
    stats = addStats(stats, r.stats);
    bytes += r.bytes;
    (problems[file] ??= []).push(r.problems);
  };
  const progress = run.onProgress === undefined ? {} : progressHooks(inputs, tasks, run.onProgress);
  const hooks: PoolHooks = {
    ...progress,
    onResult(task, result) {
      if (perFile[task.file] > 1) return false;
      absorb(task.file, result);
      return true;
    },
  };
  const results = await runTasks(tasks, options, run.threads, inputs.map((i) => i.size), hooks);
  for (let file = 0; file < inputs.length; file++) {
    if (perFile[file] < 2) continue;
    for (const r of await verifyFile(tasks.filter((t) => t.file === file), results, options)) absorb(file, r);
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
    problems: mergeProblemSummaries(problems.flatMap((p) => p ?? []), options.keepProblems),
    stats,
    files: inputs.length,
    bytes,
  };
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
