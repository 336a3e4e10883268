/**
 * Shipping a simulated fleet: each host's state is a copy of one built state (ship writes its change
 * log and ledger into the state, so every host needs its own), shipped by `pmta-acct ship --once
 * --host NAME`, at most `parallel` at a time (each host ships from its own machine in a real fleet;
 * here they share the bench's cores with the servers).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseShipLine, type Shipped } from './plan.js';

export interface HostShip extends Shipped {
  readonly host: string;
  readonly seconds: number;
}

export interface FleetShip {
  /** Seconds from the first ship's start to the last one's end. */
  readonly wall: number;
  readonly hosts: readonly HostShip[];
}

/** A copy of a state directory's database files (not its lock or pid). */
export function copyState(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.startsWith('state.db'))) copyFileSync(join(from, f), join(to, f));
}

function shipOne(cli: string, url: string, env: NodeJS.ProcessEnv, host: string, state: string): Promise<HostShip> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, 'ship', '--state', state, '--clickhouse', url, '--host', host, '--once'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) reject(new Error(`ship of ${host} failed (${code}): ${err.trim()}`));
      else resolve({ host, seconds, ...parseShipLine(out) });
    });
  });
}

/** Ships each host's state (host name -> state directory) into the store at `url`. */
export async function shipFleet(
  cli: string,
  url: string,
  env: NodeJS.ProcessEnv,
  states: ReadonlyMap<string, string>,
  parallel: number,
): Promise<FleetShip> {
  const jobs = [...states];
  const start = process.hrtime.bigint();
  const done: HostShip[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, async () => {
      while (next < jobs.length) {
        const [host, state] = jobs[next++];
        done.push(await shipOne(cli, url, env, host, state));
      }
    }),
  );
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, hosts: done };
}
