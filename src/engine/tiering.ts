/**
 * V8 settings of a one-command process: whether its optimising compiler is worth running, and
 * (holdYoungGeneration, below) how far a long-running command lets its young generation grow.
 *
 * Whether V8's optimising compiler (TurboFan) is worth running. V8 first runs code in its
 * interpreter and baseline compiler, then compiles the functions that get hot a second time,
 * optimised, on a helper thread: a bet that pays only if the process then runs long enough. A
 * command over a small input (an hour of a small server, a plugin run) ends before it does:
 * TurboFan compiled 54 functions for a report over 10,000 rows (the per-record path, the
 * verdicts, the model), and on this project's machine kind that run took 0.40 s of CPU against
 * 0.29 s without it (elapsed 0.41 s against 0.32 s); at 30,000 rows 0.48 s against 0.39 s; at
 * 100,000 rows the two are even, above they are not (bench/RESULTS.md).
 *
 * So a process that runs one command and exits (the CLI says so) turns TurboFan off for the rest
 * of its life when a run's input is smaller than SMALL_INPUT, the size below which a file is never
 * split into ranges either: a run too small to share between threads is too small to optimise for.
 * A library caller (tests, a long-lived process) keeps V8's defaults: the flag is process-wide.
 */
import type * as V8 from 'node:v8';
import { lazyRequire } from '../util/lazy-require.js';
import { inputBytes, type InputFile } from '../source/inputs.js';

/** Input bytes below which a one-command process runs without TurboFan. */
export const SMALL_INPUT = 16 << 20;

const v8 = lazyRequire<typeof V8>('node:v8');
let oneCommand = false;
let optimising = true;

/** The process runs one command and exits (the CLI): small runs may turn TurboFan off. */
export function runsOneCommand(): void {
  oneCommand = true;
}

/** Bytes a run will read: plain files by size, a .gz by its trailer or a typical ratio; stdin has no known end. */
export function expectedBytes(inputs: readonly InputFile[]): number {
  let bytes = 0;
  for (const i of inputs) bytes += inputBytes(i);
  return bytes;
}

/** Before a run over `inputs`: in a one-command process, a small run turns TurboFan off for good. */
export function tierFor(inputs: readonly InputFile[]): void {
  if (!oneCommand || !optimising || expectedBytes(inputs) >= SMALL_INPUT) return;
  v8().setFlagsFromString('--no-opt');
  optimising = false;
}

/**
 * V8's young generation (two semi-spaces) starts at 1 MB a semi-space and doubles, up to 16 MB,
 * each time the objects that survived its collections since it last grew add up to more than its
 * size. In a process that runs for days that always happens in the end, however little survives
 * each collection: `tail --once` over 14 days of a 1 M-record server reached 16 MB where one day
 * stopped at 4 MB, most of a peak RSS 1.2-1.3x the one-day peak (bench/RESULTS.md, the state
 * section), for no speed. The maximum is read only when the heap is made, but the growth factor
 * each time V8 grows it: a long-running command that calls this after each unit of work stops the
 * growth at HELD_YOUNG (what a day's catch-up reaches on its own). Smaller from the start (1 MB)
 * costs more: objects that live across a commit are promoted to the old space instead.
 */
export const HELD_YOUNG = 4 << 20;
let youngHeld = false;

export function holdYoungGeneration(): void {
  if (!oneCommand || youngHeld) return;
  const young = v8()
    .getHeapSpaceStatistics()
    .find((s) => s.space_name === 'new_space');
  // new_space counts both semi-spaces.
  if (young === undefined || young.space_size < 2 * HELD_YOUNG) return;
  v8().setFlagsFromString('--semi-space-growth-factor=1');
  youngHeld = true;
}
