/**
 * The tasks of a run in the order threads take them, and counters in shared memory that every
 * thread takes the next one from (Atomics). A worker thread never waits to be handed work: the main
 * thread reads its own tasks synchronously and hears from the workers only between them, so work
 * handed out by messages sat idle for a whole task (measured: a worker that had booted waited
 * 0.2 s for its first range of a 1 M-row file).
 *
 * Streams (a .gz, inflated on libuv's pool while its thread parses) are kept apart from the plain
 * tasks: a thread takes the next stream first while fewer than `streamSlots` are being read, and a
 * plain task otherwise; once no plain task is left, any thread takes what streams are left. A .gz
 * is one task whatever its size, and the inflate of one member cannot be split, so the longest
 * starts first. The pool allows as many streams open as threads (pool.ts), in the run, not per
 * thread: with one per two threads, the first .gz was inflated at a quarter of gunzip's speed while
 * plain ranges were read beside it and the others were left for the end of the run
 * (bench/RESULTS.md, "Eighth pass (issue 17), the rotated archive").
 */
import type { Task } from './task.js';

export interface TaskQueue {
  /** Plain tasks (whole files and byte ranges), in the order they are taken. */
  readonly plain: readonly Task[];
  /** Streams (.gz), in the order they are taken. */
  readonly streams: readonly Task[];
  /** How many streams are read at once while plain tasks are left. */
  readonly streamSlots: number;
  /** [NEXT_PLAIN], [NEXT_STREAM]: positions of the next task to take; [STREAMS_OPEN]; [STOPPED]: 1 once a task failed. */
  readonly state: Int32Array;
}

const NEXT_PLAIN = 0;
const NEXT_STREAM = 1;
const STREAMS_OPEN = 2;
const STOPPED = 3;

/** A queue over `tasks` (each list taken in the order given), streams read `streamSlots` at a time. */
export function taskQueue(tasks: readonly Task[], streamSlots = 1): TaskQueue {
  return {
    plain: tasks.filter((t) => !isStream(t)),
    streams: tasks.filter(isStream),
    streamSlots,
    state: new Int32Array(new SharedArrayBuffer(16)),
  };
}

function isStream(t: Task): boolean {
  return t.gzip;
}

/** The next stream, counted as open, or undefined when none is left. */
function nextStream(q: TaskQueue): Task | undefined {
  const at = Atomics.add(q.state, NEXT_STREAM, 1);
  if (at >= q.streams.length) return undefined;
  Atomics.add(q.state, STREAMS_OPEN, 1);
  return q.streams[at];
}

/**
 * The next task, or undefined when there is none left or the queue was stopped. Every task is
 * handed out once: each list's position is taken with one atomic add.
 */
export function takeTask(q: TaskQueue): Task | undefined {
  if (Atomics.load(q.state, STOPPED) !== 0) return undefined;
  const open = Atomics.load(q.state, STREAMS_OPEN);
  if (
    open < q.streamSlots &&
    Atomics.load(q.state, NEXT_STREAM) < q.streams.length &&
    Atomics.compareExchange(q.state, STREAMS_OPEN, open, open + 1) === open
  ) {
    const at = Atomics.add(q.state, NEXT_STREAM, 1);
    if (at < q.streams.length) return q.streams[at];
    Atomics.sub(q.state, STREAMS_OPEN, 1);
  }
  const at = Atomics.add(q.state, NEXT_PLAIN, 1);
  return at < q.plain.length ? q.plain[at] : nextStream(q);
}

/** A thread is done with `task` (read or failed): a stream's slot is free again. */
export function taskDone(q: TaskQueue, task: Task): void {
  if (isStream(task)) Atomics.sub(q.state, STREAMS_OPEN, 1);
}

/** No thread takes another task (one failed: the run is over). */
export function stopTasks(q: TaskQueue): void {
  Atomics.store(q.state, STOPPED, 1);
}
