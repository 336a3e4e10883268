/** What the benchmark ran on, for RESULTS.md, and the environment its scenarios run in. */
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

/**
 * Variables that change how every Node process starts, whatever it runs, and that a host may set
 * for its own reasons. NODE_EXTRA_CA_CERTS makes Node 20 parse that certificate file and build a
 * certificate store before any JavaScript runs (OpenSSL 3 is slow at it; nodejs/node#40524): on
 * this project's machine kind, with the system bundle of ~140 certificates, `node -e 0` went from
 * 86 M to 501 M instructions (callgrind) and from about 0.04 to 0.09 s of CPU. NODE_OPTIONS could
 * add any flag. Both weigh on every contender alike (DuckDB and csv-parse run in Node too), so the
 * scenarios run without them and RESULTS.md says which were set.
 */
const HOST_STARTUP_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'] as const;

export interface BenchEnvironment {
  readonly env: NodeJS.ProcessEnv;
  /** The variables of HOST_STARTUP_VARIABLES that were set here and are left out. */
  readonly removed: readonly string[];
}

export function benchEnvironment(from: NodeJS.ProcessEnv = process.env): BenchEnvironment {
  const removed: readonly string[] = HOST_STARTUP_VARIABLES.filter((name) => from[name] !== undefined);
  const env = Object.fromEntries(Object.entries(from).filter(([name]) => !removed.includes(name)));
  return { env, removed };
}

export function machineDescription(removed: readonly string[] = []): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  const env = removed.length === 0 ? '' : `; scenarios run without ${removed.join(' and ')}, set on this host (bench/machine.ts says why)`;
  return `${cpu}, ${availableParallelism()} cores, ${gib} GiB RAM; ${type()} ${release()}; Node.js ${process.version} (V8 ${process.versions.v8})${env}`;
}
