/**
 * Runs tasks on `threads` threads: the main thread and threads - 1 workers, all taking from one
 * queue, biggest task first so that the last to finish is a small one. Each worker holds two tasks
 * (one running, one waiting) so that it never waits for the main thread, which is busy with its
 * own tasks. Results the caller does not take as they come (`onResult`) are returned in task order.
 */
import type { Worker } from 'node:worker_threads';
import { errorData, errorFromData, PmtaAcctError, type ErrorData } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTask, type Task, type TaskProgress, type TaskResult } from './task.js';
import type { WorkerReply } from './worker.js';

interface Failure {
  readonly index: number;
  readonly error: ErrorData;
}

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

export async function runTasks(tasks: readonly Task[], options: EngineOptions, threads: number, sizes: readonly number[], hooks: PoolHooks = {}): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array<TaskResult>(tasks.length);
  const keep = (task: Task, result: TaskResult) => {
    if (hooks.onResult?.(task, result) !== true) results[task.index] = result;
  };
  const size = (t: Task) => (t.end === Number.POSITIVE_INFINITY ? sizes[t.file] - t.start : t.end - t.start);
  const queue = [...tasks].sort((a, b) => size(b) - size(a) || a.index - b.index);
  const failures: Failure[] = [];
  // stdin is one stream: read it here. One thread, or one task: no workers to start.
  const workerCount = tasks.some((t) => t.path === '-') ? 0 : Math.min(threads - 1, tasks.length - 1);
  // Loaded only for workers: a small file's run needs none (a few ms of start-up).
  const threadsModule = workerCount > 0 ? await import('node:worker_threads') : null;
  const workers = threadsModule === null ? [] : Array.from({ length: workerCount }, () => new threadsModule.Worker(WORKER_ENTRY, { workerData: options }));

  const viaWorker = (w: Worker) => new Promise<void>((resolve, reject) => {
    let outstanding = 0;
    const feed = () => {
      while (outstanding < 2 && queue.length > 0 && failures.length === 0) {
        w.postMessage({ task: queue.shift() });
        outstanding++;
      }
      if (outstanding === 0) resolve();
    };
    w.on('message', (reply: WorkerReply) => {
      if ('progress' in reply) {
        hooks.onProgress?.(reply.progress.bytes, reply.progress.records);
        return;
      }
      outstanding--;
      if (reply.ok) {
        keep(tasks[reply.result.index], reply.result);
        hooks.onTaskDone?.(tasks[reply.result.index]);
      } else {
        failures.push({ index: reply.index, error: reply.error });
      }
      feed();
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (outstanding > 0) reject(new PmtaAcctError('INTERNAL', `a worker thread exited with code ${code}`));
    });
    feed();
  });

  const here = async () => {
    while (queue.length > 0 && failures.length === 0) {
      // Let worker replies in before taking the next task: a plain-file task blocks this thread.
      await new Promise((r) => setImmediate(r));
      const task = queue.pop();
      if (task === undefined) break;
      try {
        keep(task, await runTask(task, options, hooks.onProgress));
        hooks.onTaskDone?.(task);
      } catch (err) {
        failures.push({ index: task.index, error: errorData(err) });
      }
    }
  };

  try {
    await Promise.all([here(), ...workers.map(viaWorker)]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw errorFromData(failures[0].error);
  }
  return results;
}
