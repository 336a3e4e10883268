/**
 * Runs tasks on `threads` threads: the main thread and threads - 1 workers, each taking the next
 * task from one shared queue (task-queue.ts) as soon as it is free, biggest task first so that the
 * last to finish is a small one, and a .gz (one task whatever its size) before plain ranges. Results the caller does not take as they come (`onResult`) are
 * returned in task order.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { errorData, errorFromData, PmtaAcctError, type ErrorData } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTask, type Task, type TaskProgress, type TaskResult } from './task.js';
import { stopTasks, taskDone, taskQueue } from './task-queue.js';
import { readQueue } from './thread-loop.js';
import type { WorkerData, WorkerReply } from './worker.js';
import { lazyRequire } from '../util/lazy-require.js';
import { mark, traceOrigin } from './trace.js';
import { takePrestartedWorker } from './prestart.js';
import { SMALL_INPUT } from './tiering.js';
import { warmUp } from './warm-up.js';

interface Failure {
  readonly index: number;
  readonly error: ErrorData;
}

/** Required, not imported: the bin runs the bundle from a code cache, where `import()` has no loader (src/cli/bin.ts). */
const workerThreads = lazyRequire<typeof WorkerThreads>('node:worker_threads');

/** The worker's entry beside this module (in the tsc output and in the bundle alike). */
const WORKER_ENTRY = new URL('./worker.js', import.meta.url);

export interface PoolHooks {
  /** Bytes and records read so far by one task (for a progress line). */
  readonly onProgress?: TaskProgress;
  readonly onTaskDone?: (task: Task) => void;
  /**
   * A task's result as soon as it is there: true when the caller took it (merged it), so the pool
   * does not keep it. A month of archives is thousands of results; kept until the end they would
   * make memory grow with the input.
   */
  readonly onResult?: (task: Task, result: TaskResult) => boolean;
}

export async function runTasks(
  tasks: readonly Task[],
  options: EngineOptions,
  threads: number,
  bytes: readonly number[],
  hooks: PoolHooks = {},
): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array<TaskResult>(tasks.length);
  // Biggest first, so that the last tasks to finish are small ones: a .gz by what it decompresses
  // to, a plain file by its size. The ranges of a split file weigh alike (its size over their
  // number) and so go in file order: their results then come in about that order, and the caller
  // can check and merge each while the others are read.
  const ranges = new Array<number>(bytes.length).fill(0);
  for (const t of tasks) ranges[t.file]++;
  const weight = (t: Task) => bytes[t.file] / ranges[t.file];
  // As many .gz open at once as threads, the biggest first, read beside plain ranges (task-queue.ts,
  // thread-loop.ts): the inflates then run from the start instead of piling up at the end. The
  // count is for the run, not per thread: the main thread, first to take, often opens two.
  const queue = taskQueue(
    [...tasks].sort((a, b) => weight(b) - weight(a) || a.index - b.index),
    threads,
  );
  const failures: Failure[] = [];
  let settled = 0;
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allIn = resolve;
  });
  const check = () => {
    if (settled === tasks.length || failures.length > 0) allIn();
  };
  const keep = (task: Task, result: TaskResult) => {
    if (hooks.onResult?.(task, result) !== true) results[task.index] = result;
    hooks.onTaskDone?.(task);
    settled++;
    check();
  };
  const fail = (failure: Failure) => {
    stopTasks(queue);
    failures.push(failure);
    check();
  };
  // stdin is one stream: read it here. One thread, or one task: no workers to start.
  const workerCount = tasks.some((t) => t.path === '-') ? 0 : Math.min(threads - 1, tasks.length - 1);
  // Loaded only for workers: a small file's run needs none (a few ms of start-up).
  const threadsModule = workerCount > 0 ? workerThreads() : null;
  // A run big enough for V8 to optimise its per-record code warms each thread first (warm-up.ts).
  const warm = bytes.reduce((a, b) => a + b, 0) >= SMALL_INPUT;
  const workerData: WorkerData = { options, queue, origin: traceOrigin(), warm };
  // The first may have been started by the bin while this process was starting (prestart.ts).
  const prestarted = workerCount > 0 ? takePrestartedWorker() : undefined;
  prestarted?.postMessage({ start: workerData });
  const workers =
    threadsModule === null
      ? []
      : Array.from({ length: workerCount }, (_, i) =>
          i === 0 && prestarted !== undefined ? prestarted : new threadsModule.Worker(WORKER_ENTRY, { workerData }),
        );
  mark(`pool: ${tasks.length} tasks, ${workerCount} workers${prestarted === undefined ? '' : ', the first prestarted'}`);

  // A worker takes its own tasks (task-queue.ts); its replies are heard between this thread's tasks.
  const watch = (w: Worker) =>
    new Promise<never>((_, reject) => {
      w.on('message', (reply: WorkerReply) => {
        if ('progress' in reply) hooks.onProgress?.(reply.progress.bytes, reply.progress.records);
        else if (reply.ok) {
          mark(`worker's task ${reply.result.index} heard`);
          // what the caller does with a result can fail too (query --max-groups, on a merge)
          try {
            keep(tasks[reply.result.index], reply.result);
          } catch (err) {
            fail({ index: reply.result.index, error: errorData(err) });
          }
          mark(`worker's task ${reply.result.index} merged`);
        } else fail({ index: reply.index, error: reply.error });
      });
      w.on('error', reject);
      // A worker ends (code 0) once the queue is empty, after posting its results; any other end is a crash.
      w.on('exit', (code) => {
        if (code !== 0) reject(new PmtaAcctError('INTERNAL', `a worker thread exited with code ${code}`));
      });
    });

  const here = async () => {
    // Let worker replies in before taking the next task: a plain-file task blocks this thread.
    const between = () => new Promise<void>((r) => setImmediate(r));
    await readQueue(
      queue,
      async (task) => {
        try {
          if (warm) await warmUp(task, options);
          mark(`task ${task.index} start`);
          const result = await runTask(task, options, hooks.onProgress);
          mark(`task ${task.index} read`);
          taskDone(queue, task);
          keep(task, result);
          mark(`task ${task.index} merged`);
        } catch (err) {
          taskDone(queue, task);
          fail({ index: task.index, error: errorData(err) });
        }
      },
      between,
    );
    check();
    mark('main: no task left');
    await done;
    mark('pool: all in');
  };

  try {
    await Promise.race([here(), ...workers.map(watch)]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw errorFromData(failures[0].error);
  }
  return results;
}
