/**
 * A worker thread started by the bin (src/cli/bin.ts) before the CLI is even compiled, for a run the
 * command line says will be split: a worker's boot (a fresh isolate: Node 20 has no start-up
 * snapshot for workers, then its bundle) then overlaps the main thread's own start instead of
 * following it, and the worker takes its first range about when the main thread does
 * (bench/RESULTS.md, "Threads"). The pool (pool.ts) takes it as its first worker and sends it the
 * run's data; a worker nobody takes (a guess that was wrong: the file turned out to be one task) is
 * unref'd, so it keeps no process alive, and waits idle until the process exits.
 *
 * The guess is cheap and needs no CLI code: a command that reads files (report, check, query),
 * `--workers` absent or above 1, and an argument naming a plain (not .gz) file that the engine will
 * split into ranges (at least two of `--min-range`, 16 MiB by default: plan.ts) and, without
 * `--workers`, big enough for a worker to pay (thread-count.ts; other inputs of the run are not
 * looked at, so a wrong guess costs an idle worker's boot). The bin and the
 * CLI are two bundles, so the worker is handed over through a global symbol, not a module's state.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { statSync } from 'node:fs';
import type * as Os from 'node:os';
import { lazyRequire } from '../util/lazy-require.js';
import { threadsForWork } from './thread-count.js';

/** The smallest range a file is cut into unless `--min-range` says otherwise (run.ts, and the guess here). */
export const DEFAULT_MIN_RANGE = 16 << 20;
const COMMANDS = new Set(['report', 'check', 'query']);
const HANDED_OVER = Symbol.for('pmta-acct.prestarted-worker');
/** Required when asked: `--version` and the other commands need not load it. */
const os = lazyRequire<typeof Os>('node:os');
const workerThreads = lazyRequire<typeof WorkerThreads>('node:worker_threads');

interface Prestarted {
  readonly worker: Worker;
  /** The worker ended before it was taken (it cannot be given work). */
  exited: boolean;
}

type Holder = Record<typeof HANDED_OVER, Prestarted | undefined>;

/** The value of `--name V` or `--name=V` in args, or undefined. */
function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** Whether `args` (the command line after `node bin`) ask for a run that will start a worker. */
export function willSplit(args: readonly string[]): boolean {
  if (!COMMANDS.has(args[0] ?? '')) return false;
  const workers = optionValue(args, '--workers');
  const threads = workers === undefined ? os().availableParallelism() : Number(workers);
  if (threads < 2) return false;
  const minRange = Number(optionValue(args, '--min-range') ?? DEFAULT_MIN_RANGE);
  if (!(minRange > 0)) return false;
  return args.slice(1).some((arg, i) => {
    // An existing output file (`-o FILE`) is no input; other options name small files or directories.
    if (arg.startsWith('-') || arg.endsWith('.gz') || args[i] === '-o' || args[i] === '--output') return false;
    const stat = statSync(arg, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size < 2 * minRange) return false;
    return workers !== undefined || threadsForWork(stat.size, 0, threads) > 1;
  });
}

/** In the bin: start `workerFile` as the run's first worker when the command line says a run will want one. */
export function prestartWorker(args: readonly string[], workerFile: string): void {
  try {
    if (!willSplit(args)) return;
    const { Worker } = workerThreads();
    // No workerData: the worker waits for the run's (worker.ts).
    const worker = new Worker(workerFile, { workerData: null });
    worker.unref();
    const prestarted: Prestarted = { worker, exited: false };
    worker.once('exit', () => {
      prestarted.exited = true;
    });
    // An error before the pool takes it: that worker is not used (the pool starts its own).
    worker.on('error', () => undefined);
    (globalThis as unknown as Holder)[HANDED_OVER] = prestarted;
  } catch {
    // A guess, never a failure: the pool starts its workers as it would have.
  }
}

/** In the pool: the worker the bin started for this run, once, or undefined. */
export function takePrestartedWorker(): Worker | undefined {
  const holder = globalThis as unknown as Holder;
  const prestarted = holder[HANDED_OVER];
  holder[HANDED_OVER] = undefined;
  if (prestarted === undefined || prestarted.exited) return undefined;
  prestarted.worker.removeAllListeners('error');
  prestarted.worker.ref();
  return prestarted.worker;
}
