/** One load per (store, host) on a machine: a second is refused naming the owner; a dead owner's lock is taken over. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostLockPath, lockHost } from '../../src/app/load/host-lock.js';

let dir: string | null = null;
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'pmta-lock-')));
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('lockHost', () => {
  it('refuses a second load of the same host and store while the first holds it', () => {
    const d = fresh();
    const lock = lockHost('http://ch:8123\npmta', 'mx1', d);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    // held by another live process (the parent here)
    writeFileSync(lock.path, `${process.ppid}\n`);
    expect(() => lockHost('http://ch:8123\npmta', 'mx1', d)).toThrow(/another load for host mx1 .*pid \d+/);
    // another host, or another store, is another lock
    lockHost('http://ch:8123\npmta', 'mx2', d).release();
    lockHost('http://ch:8123\nother', 'mx1', d).release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    lockHost('http://ch:8123\npmta', 'mx1', d).release();
  });

  it('takes over a lock whose process is gone (kill -9, reboot)', () => {
    const d = fresh();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const path = hostLockPath('http://ch:8123\npmta', 'mx1', d);
    writeFileSync(path, `${gone.stdout}\n`);
    const lock = lockHost('http://ch:8123\npmta', 'mx1', d);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
