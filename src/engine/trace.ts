/**
 * Timing marks of a run across its threads, for measuring where a run's time goes (bench/RESULTS.md,
 * "Threads"): with PMTA_ACCT_TRACE=1 each mark is a line on stderr, `trace <thread> <ms> <what>`, the
 * milliseconds since this process started (a worker is told when that was). Off, a mark is one test.
 */
import { readFileSync } from 'node:fs';

const on = process.env.PMTA_ACCT_TRACE === '1';
let origin = performance.timeOrigin;
let thread = 'main';

/** In a worker thread: its name in the marks and the process's start, so that all threads share a clock. */
export function traceThread(name: string, processOrigin: number): void {
  thread = name;
  origin = processOrigin;
}

/** When the process started (epoch ms), for a worker's traceThread. */
export function traceOrigin(): number {
  return origin;
}

/** CPU milliseconds of this thread so far (Linux: /proc/thread-self/stat, 10 ms ticks), or NaN. */
function threadCpu(): number {
  try {
    // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th.
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

export function mark(what: string): void {
  if (!on) return;
  const at = performance.timeOrigin + performance.now() - origin;
  process.stderr.write(`trace ${thread} ${at.toFixed(1)} cpu ${threadCpu()} ${what}\n`);
}
