/** What the benchmark ran on, for RESULTS.md. */
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

export function machineDescription(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu}, ${availableParallelism()} cores, ${gib} GiB RAM; ${type()} ${release()}; Node.js ${process.version} (V8 ${process.versions.v8})`;
}
