/**
 * One `load` at a time per (store, host) on a machine: overlapping cron or timer runs, or a load by
 * hand beside the timer's, must not both insert (the store holds each record once because one
 * loader writes a host's rows; app/load/load.ts). The lock is a file created exclusively beside
 * the recipient hash key (every load of a host uses that key, so they all see the lock), holding
 * the owner's pid; a lock whose process is gone (kill -9, reboot) is taken over. Two machines
 * loading under the same --host name are not covered: a host's files are loaded where they are
 * written.
 */
import { createHash } from 'node:crypto';
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { PmtaAcctError } from '../../errors.js';

export interface HostLock {
  readonly path: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A short name for a store (endpoint and database) and host, for the files kept beside the key. */
export function storeHostId(store: string, host: string): string {
  return createHash('sha256').update(`${store}\n${host}`).digest('hex').slice(0, 16);
}

/** The lock's file for a store (endpoint and database) and host, in `dir`. */
export function hostLockPath(store: string, host: string, dir: string): string {
  return join(dir, `pmta-acct-load-${storeHostId(store, host)}.lock`);
}

/** Takes the lock, or refuses naming the pid that holds it. */
export function lockHost(store: string, host: string, dir: string): HostLock {
  const path = hostLockPath(store, host, dir);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        path,
        release: () => {
          try {
            unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // removed meanwhile: try again
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
      throw new PmtaAcctError(
        'STATE',
        `load: another load for host ${host} into this store is running (pid ${owner}, lock ${path}): it inserts what this one would`,
      );
    try {
      unlinkSync(path); // its process is gone
    } catch {
      // removed meanwhile
    }
  }
}
