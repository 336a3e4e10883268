/**
 * Worker thread entry: takes tasks from the run's shared queue until none is left and posts each
 * result back, transferring the rollup's typed arrays instead of copying them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorData, type ErrorData } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTaskToPost, type PostedTaskResult } from './task.js';
import { stopTasks, takeTask, type TaskQueue } from './task-queue.js';

export interface WorkerData {
  readonly options: EngineOptions;
  readonly queue: TaskQueue;
}

export type WorkerReply =
  | { readonly ok: true; readonly result: PostedTaskResult }
  | { readonly ok: false; readonly index: number; readonly error: ErrorData }
  | { readonly progress: { readonly bytes: number; readonly records: number } };

const { options, queue } = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('worker.js must run in a worker thread');

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  (port as NonNullable<typeof port>).postMessage(reply, transfer);
}

const progress = (bytes: number, records: number) => post({ progress: { bytes, records } });

async function work(): Promise<void> {
  for (let task = takeTask(queue); task !== undefined; task = takeTask(queue)) {
    try {
      const result = await runTaskToPost(task, options, progress);
      const transfer = [result.rollup, result.windows].flatMap((r) => (r === null ? [] : [r.keys, r.counters, r.histSlots, r.hist]));
      post(
        { ok: true, result },
        transfer.map((a) => a.buffer as ArrayBuffer),
      );
    } catch (err) {
      stopTasks(queue);
      post({ ok: false, index: task.index, error: errorData(err) });
    }
  }
}

void work();
