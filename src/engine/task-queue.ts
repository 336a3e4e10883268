/**
 * The tasks of a run in the order threads take them, and a counter in shared memory that every
 * thread takes the next one from (Atomics). A worker thread never waits to be handed work: the main
 * thread reads its own tasks synchronously and hears from the workers only between them, so work
 * handed out by messages sat idle for a whole task (measured: a worker that had booted waited
 * 0.2 s for its first range of a 1 M-row file).
 */
import type { Task } from './task.js';

export interface TaskQueue {
  readonly tasks: readonly Task[];
  /** [0]: position of the next task to take; [1]: 1 once stopped (a task failed). */
  readonly state: Int32Array;
}

export function taskQueue(tasks: readonly Task[]): TaskQueue {
  return { tasks, state: new Int32Array(new SharedArrayBuffer(8)) };
}

/** The next task, or undefined when there is none left or the queue was stopped. */
export function takeTask(q: TaskQueue): Task | undefined {
  if (Atomics.load(q.state, 1) !== 0) return undefined;
  const at = Atomics.add(q.state, 0, 1);
  return at < q.tasks.length ? q.tasks[at] : undefined;
}

/** No thread takes another task (one failed: the run is over). */
export function stopTasks(q: TaskQueue): void {
  Atomics.store(q.state, 1, 1);
}
