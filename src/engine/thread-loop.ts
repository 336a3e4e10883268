/**
 * A thread's loop over the run's queue (the main thread's in pool.ts, a worker's in worker.ts):
 * take the next task and read it, until none is left. A .gz is not waited for: its thread would
 * spend most of the read waiting for libuv's pool to inflate the next block (the parse is the
 * faster side), so the thread takes its next tasks and reads them alongside, a block at a time
 * (task.ts lets the event loop run between their blocks while a stream is open), and waits for the
 * .gz only when the queue is empty (bench/RESULTS.md, "Eighth pass (issue 17), the rotated archive").
 * A second .gz taken while one is open is read to its end before the next take, both streams
 * advancing block by block.
 */
import type { Task } from './task.js';
import { takeTask, type TaskQueue } from './task-queue.js';

/**
 * Runs `read` on each task this thread takes; `read` reports its own failures (it never rejects
 * for a task's error). `between` runs before each take (the main thread lets workers' replies in).
 */
export async function readQueue(queue: TaskQueue, read: (task: Task) => Promise<void>, between?: () => Promise<void>): Promise<void> {
  const streams: Promise<void>[] = [];
  let open = false;
  for (;;) {
    await between?.();
    const task = takeTask(queue);
    if (task === undefined) break;
    if (task.gzip && !open) {
      open = true;
      const reading = read(task);
      const closed = () => {
        open = false;
      };
      void reading.then(closed, closed);
      streams.push(reading);
      continue;
    }
    await read(task);
  }
  await Promise.all(streams);
}
