/**
 * A thread's first look at its input, thrown away. V8 records type feedback for a function only
 * from its first few calls on (lazy feedback allocation), and its optimising compiler turns every
 * path without feedback into a bail-out. The paths a task's first records take (a fresh sink's
 * first bucket, first event, first scanned IPs and dictionaries, the reader's first scan columns)
 * therefore ran, in a thread's first task, before any feedback was kept; in the next task they ran
 * again in optimised code, which bailed out and was compiled again: 8-10 recompiles of the
 * per-record path per thread when a file is split (`--trace-deopt`, bench/RESULTS.md, seventh
 * pass), each paid in V8's helper threads while both cores are busy.
 *
 * So before its first task over a plain file, a thread in a big run reads the first WARM_BYTES of
 * that task into a sink nobody keeps: those records set up the feedback, and the task's own first
 * records take the paths with it. That sink's rollups start with room for one group, so that the
 * growth of their arrays, which a task's rollups first need after V8 has optimised the code, runs
 * here too. The bytes are read again by the task itself; nothing of the warm
 * read is counted, reported or thrown (an error there is the task's to report).
 */
import { Dictionary } from '../util/dictionary.js';
import type { EngineOptions } from './options.js';
import { runTask, type Task } from './task.js';

/** About 130 records of a typical accounting file: a few ms, mostly in V8's interpreter. */
const WARM_BYTES = 64 * 1024;

let warmed = false;

/** Once per thread, before its first task: read the start of `task` into a sink thrown away. */
export async function warmUp(task: Task, options: EngineOptions): Promise<void> {
  if (warmed || task.gzip || task.path === '-') return;
  warmed = true;
  try {
    await runTask(
      { ...task, end: Math.min(task.end, task.start + WARM_BYTES) },
      { ...options, strict: false, keepProblems: 0, firstRoom: 1 },
    );
  } catch {
    // the task itself reads the same bytes and reports what is wrong with them
  }
  growDictionary();
}

/**
 * A dictionary's byte table grows (at 33 values, then 65...) well after V8 has optimised the code
 * that interns cells, and a warm read of a few hundred records need not reach that size in any
 * dictionary: grow one here, from bytes, so that the growth has its feedback too.
 */
function growDictionary(): void {
  const d = new Dictionary();
  const bytes = Buffer.alloc(24);
  for (let i = 0; i < 80; i++) d.idOfBytes(bytes, 0, bytes.write(`warm-up value ${i}`, 'latin1'), false);
}
