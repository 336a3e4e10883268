/**
 * Timing marks of a run across its threads, for measuring where a run's time goes (bench/RESULTS.md,
 * "Threads"): with PMTA_ACCT_TRACE=1 each mark is a line on stderr, `trace <thread> <ms> <what>`, the
 * milliseconds since this process started (a worker is told when that was). Off, a mark is one test.
 */
import { readdirSync, readFileSync } from 'node:fs';

const on = process.env.PMTA_ACCT_TRACE === '1';
/**
 * Set when first wanted: Node makes the global `performance` on first use, loading perf_hooks and
 * ten modules of its own (2 ms and 40 pages of a small report that does not trace: RESULTS.md).
 */
let origin: number | undefined;
let thread = 'main';

/** In a worker thread: its name in the marks and the process's start, so that all threads share a clock. */
export function traceThread(name: string, processOrigin: number): void {
  thread = name;
  origin = processOrigin;
}

/** When the process started (epoch ms), for a worker's traceThread. */
export function traceOrigin(): number {
  // Not tracing, no mark reads it (a worker is told 0).
  if (!on) return 0;
  origin ??= performance.timeOrigin;
  return origin;
}

/** CPU milliseconds of a thread so far from its /proc stat file (Linux, 10 ms ticks), or NaN. */
function cpuOf(statFile: string): number {
  try {
    // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th.
    const stat = readFileSync(statFile, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function threadCpu(): number {
  return cpuOf('/proc/thread-self/stat');
}

/**
 * At the end of a run: the CPU of every thread of the process that used any, the main thread first,
 * then the others (Node 20 names none of them: our worker threads, libuv's pool, which inflates a
 * .gz, V8's helpers for GC and optimising compiles), busiest first, so that a run's own CPU can be
 * told apart from the host's load.
 */
export function markThreads(): void {
  if (!on) return;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  const others: number[] = [];
  for (const t of tasks) if (t !== String(process.pid)) others.push(cpuOf(`/proc/self/task/${t}/stat`));
  others.sort((a, b) => b - a);
  mark(`threads' cpu: main ${threadCpu()}, others ${others.filter((ms) => ms > 0).join(' ') || 'none'}`);
}

export function mark(what: string): void {
  if (!on) return;
  const at = performance.timeOrigin + performance.now() - traceOrigin();
  process.stderr.write(`trace ${thread} ${at.toFixed(1)} cpu ${threadCpu()} ${what}\n`);
}
