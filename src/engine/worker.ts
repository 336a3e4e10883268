/**
 * Worker thread entry: runs tasks sent by the pool and posts results back, transferring the
 * rollup's typed arrays instead of copying them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorData, type ErrorData } from '../errors.js';
import type { EngineOptions } from './options.js';
import { runTaskToPost, type PostedTaskResult, type Task } from './task.js';

export interface WorkerRequest {
  readonly task: Task;
}

export type WorkerReply =
  | { readonly ok: true; readonly result: PostedTaskResult }
  | { readonly ok: false; readonly index: number; readonly error: ErrorData }
  | { readonly progress: { readonly bytes: number; readonly records: number } };

const options = workerData as EngineOptions;
const port = parentPort;
if (port === null) throw new Error('worker.js must run in a worker thread');

port.on('message', (msg: WorkerRequest) => {
  const progress = (bytes: number, records: number) => {
    const reply: WorkerReply = { progress: { bytes, records } };
    port.postMessage(reply);
  };
  runTaskToPost(msg.task, options, progress).then(
    (result) => {
      const reply: WorkerReply = { ok: true, result };
      const transfer = [result.rollup, result.windows].flatMap((r) => (r === null ? [] : [r.keys, r.counters, r.histSlots, r.hist]));
      port.postMessage(reply, transfer.map((a) => a.buffer as ArrayBuffer));
    },
    (err: unknown) => {
      const reply: WorkerReply = { ok: false, index: msg.task.index, error: errorData(err) };
      port.postMessage(reply);
    },
  );
});
