/**
 * How many threads a run uses when the user did not say (`--workers` absent): as many as pay, up to
 * the cores. A worker is not free: its isolate boots, compiles the per-record code again, reads its
 * first range cold, and its results are merged on the main thread, about 0.3 s of CPU on this
 * project's machine kind whatever the input's size (2 threads against 1 at 1 M rows: 1.14 s
 * against 0.85 s of CPU; at 0.1 - 0.3 GB the same 0.28 - 0.30 s). On two cores that CPU is taken
 * from the reading: a worker pays only when the reading it takes over is longer than what it costs.
 * A .gz adds its inflate, which runs on libuv's pool beside the thread that parses it: one thread
 * over the day as 24 rotated files (a third of it gzipped) already keeps two cores busy, and a
 * worker then only adds its cost (bench/RESULTS.md, "Ninth pass (issue 17)").
 *
 * The estimate, in bytes of parsing (about 1 GB/s a thread): t threads on `cores` cores take at
 * least the run's whole CPU over the cores, (plain + decompressed bytes + INFLATE_COST x
 * decompressed + (t - 1) x WORKER_COST) / cores, and at least the reading shared by t threads of
 * which t - 1 start WORKER_DELAY late. The fewest threads with the smallest estimate win.
 */

/** A worker's CPU (boot, compiles, cold first range, merges), in bytes the parse reads in that time. */
const WORKER_COST = 320e6;
/** What the main thread has read when a worker (started by the bin) takes its first range. */
const WORKER_DELAY = 100e6;
/** Inflating a decompressed byte against parsing it: gunzip alone takes 1.9x the parse's time. */
const INFLATE_COST = 1.9;

/** The estimated time of a run on `threads` threads (bytes of parsing): see above. */
function estimate(threads: number, cores: number, bytes: number, gzipped: number): number {
  const cpu = (bytes + INFLATE_COST * gzipped + (threads - 1) * WORKER_COST) / cores;
  const reading = (bytes + (threads - 1) * WORKER_DELAY) / threads;
  return Math.max(cpu, reading);
}

/**
 * Threads for a run over `bytes` (plain and decompressed alike; `gzipped` of them inflated from
 * .gz) on at most `most` threads, one per core.
 */
export function threadsForWork(bytes: number, gzipped: number, most: number): number {
  if (!Number.isFinite(bytes) || most <= 1) return Math.max(1, most);
  let best = 1;
  for (let t = 2; t <= most; t++) if (estimate(t, most, bytes, gzipped) < estimate(best, most, bytes, gzipped)) best = t;
  return best;
}
