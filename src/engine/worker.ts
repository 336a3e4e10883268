/**
 * Worker thread entry: takes tasks from the run's shared queue until none is left and posts each
 * result back, transferring the rollup's typed arrays instead of copying them. A worker started
 * before its run was planned (prestart.ts) is sent the run's data in a first message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorData, type ErrorData } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTaskToPost, type PostedTaskResult } from './task.js';
import { stopTasks, taskDone, type TaskQueue } from './task-queue.js';
import { readQueue } from './thread-loop.js';
import { mark, traceThread } from './trace.js';
import { warmUp } from './warm-up.js';

export interface WorkerData {
  readonly options: EngineOptions;
  readonly queue: TaskQueue;
  /** The process's start (trace.ts). */
  readonly origin: number;
  /** Read the start of the first task into a sink thrown away first (warm-up.ts). */
  readonly warm: boolean;
}

export type WorkerReply =
  | { readonly ok: true; readonly result: PostedTaskResult }
  | { readonly ok: false; readonly index: number; readonly error: ErrorData }
  | { readonly progress: { readonly bytes: number; readonly records: number } };

const port = parentPort;
if (port === null) throw new Error('worker.js must run in a worker thread');

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  (port as NonNullable<typeof port>).postMessage(reply, transfer);
}

const progress = (bytes: number, records: number) => post({ progress: { bytes, records } });

async function work({ options, queue, origin, warm }: WorkerData): Promise<void> {
  traceThread('worker', origin);
  mark('worker: started');
  await readQueue(queue, async (task) => {
    try {
      if (warm) await warmUp(task, options);
      mark(`task ${task.index} start`);
      const result = await runTaskToPost(task, options, progress);
      taskDone(queue, task);
      mark(`task ${task.index} read`);
      const transfer = [result.rollup, result.windows].flatMap((r) => (r === null ? [] : [r.keys, r.counters, r.histSlots, r.hist]));
      post(
        { ok: true, result },
        transfer.map((a) => a.buffer as ArrayBuffer),
      );
    } catch (err) {
      taskDone(queue, task);
      stopTasks(queue);
      post({ ok: false, index: task.index, error: errorData(err) });
    }
  });
}

/** The run's data: given at the start, or, to a worker the bin started early (prestart.ts), in its first message. */
function start(data: WorkerData | null): void {
  if (data !== null) {
    void work(data);
    return;
  }
  (port as NonNullable<typeof port>).once('message', (message: { readonly start: WorkerData }) => {
    void work(message.start);
  });
}

start(workerData as WorkerData | null);
