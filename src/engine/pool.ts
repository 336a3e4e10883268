/**
 * Runs tasks on worker threads (or inline when one thread is asked for), keeping results in task
 * order. The biggest tasks go first so that the last one to finish is a small one.
 */
import { Worker } from 'node:worker_threads';
import { PmtaAcctError, type ErrorCode } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTask, type Task, type TaskProgress, type TaskResult } from './task.js';
import type { WorkerReply } from './worker.js';

function taskSize(t: Task): number {
  return t.end === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : t.end - t.start;
}

export interface PoolHooks {
  readonly onProgress?: TaskProgress;
  readonly onTaskDone?: (task: Task) => void;
}

export async function runTasks(tasks: readonly Task[], options: EngineOptions, threads: number, sizes: readonly number[], hooks: PoolHooks = {}): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array<TaskResult>(tasks.length);
  if (threads <= 1 || tasks.length <= 1 || tasks.some((t) => t.path === '-')) {
    for (const t of tasks) {
      results[t.index] = await runTask(t, options, hooks.onProgress);
      hooks.onTaskDone?.(t);
    }
    return results;
  }
  const order = [...tasks].sort((a, b) => {
    const sa = a.end === Number.POSITIVE_INFINITY ? sizes[a.file] : taskSize(a);
    const sb = b.end === Number.POSITIVE_INFINITY ? sizes[b.file] : taskSize(b);
    return sb - sa || a.index - b.index;
  });
  const failures: { index: number; code: ErrorCode; message: string }[] = [];
  const count = Math.min(threads, tasks.length);
  const workers = Array.from({ length: count }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: options }));
  let next = 0;
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const feed = () => {
        if (next >= order.length || failures.length > 0) {
          resolve();
          return;
        }
        w.postMessage({ task: order[next++] });
      };
      w.on('message', (reply: WorkerReply) => {
        if ('progress' in reply) {
          hooks.onProgress?.(reply.progress.bytes, reply.progress.records);
          return;
        }
        if (reply.ok) {
          results[reply.result.index] = reply.result;
          hooks.onTaskDone?.(tasks[reply.result.index]);
        } else {
          failures.push({ index: reply.index, code: reply.code as ErrorCode, message: reply.message });
        }
        feed();
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (code !== 0) reject(new PmtaAcctError('INTERNAL', `a worker thread exited with code ${code}`));
      });
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw new PmtaAcctError(failures[0].code, failures[0].message);
  }
  return results;
}
