/**
 * The state's bad days (reliability.md §6 B, issue 19), each through the built CLI: the exit code,
 * the one line that says what happened and what to do, and "nothing lost, nothing counted twice"
 * against what the writer wrote. A full and a read-only file system are real: a small tmpfs
 * (CI runs as root); where mounting is not permitted those cases are skipped, saying why. A
 * second tail on the same state is in crash.e2e.test.ts ("one state, one tail").
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { runCli } from '../helpers/cli.js';
import { counted, exited, startTail, tailOnce, until } from '../helpers/tail.js';

const roots: string[] = [];
const mounts: string[] = [];
function scratch(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  roots.push(d);
  return d;
}
afterEach(() => {
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A tmpfs of `size` at `dir`, or the reason there is none (not root, no mount permission). */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r.status !== 0)
    return `mount -t tmpfs is not permitted here (${(r.stderr?.toString() ?? '').trim() || `status ${r.status}`}): run as root (CI does)`;
  mounts.push(dir);
  return null;
}

/** Whether this machine lets the tests mount a tmpfs (probed once). */
const noMount = (() => {
  const d = mkdtempSync(join(tmpdir(), 'pmta-mountprobe-'));
  const why = mountTmpfs(join(d, 'm'), '64k');
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
  rmSync(d, { recursive: true, force: true });
  return why;
})();

/** Fill the file system of `dir` to the last byte (a file written until ENOSPC). */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return path;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(noMount !== null)(`the state's file system ${noMount === null ? '' : `(skipped: ${noMount})`}`, () => {
  it('full: tail --once exits 3 saying how many records were counted but not saved; once freed, a re-run is exact', () => {
    const root = scratch('pmta-full-');
    const fs = join(root, 'fs');
    expect(mountTmpfs(fs, '1m')).toBeNull();
    const w = new AcctWriter(join(root, 'logs'), 19);
    const state = join(fs, 'state');
    w.rows(40);
    expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
    const before = counted(state);
    const filler = fill(fs);
    w.rows(1500);
    w.rotate();
    w.rows(300);
    const r = tailOnce(w.live, state, ['--commit-rows', '200']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/commit failed: the disk holding the state is full .*records counted since are kept in memory/);
    // The last line: what was not saved, and that a re-run reads it again.
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(
      new RegExp(
        `^pmta-acct: state ${state}: the last commit failed: the disk holding the state is full \\(database or disk is full\\); free space there.*; 1,800 records read by this run were counted but not saved \\(a re-run reads them again from the last commit\\)$`,
      ),
    );
    expect(counted(state)).toEqual(before);
    rmSync(filler);
    const again = tailOnce(w.live, state);
    expect(again.code, again.stderr).toBe(0);
    expect(counted(state)).toEqual(w.expected());
  });

  it('full while following, then freed: the failed commits are retried, and SIGTERM ends it with everything saved', async () => {
    const root = scratch('pmta-fullrun-');
    const fs = join(root, 'fs');
    expect(mountTmpfs(fs, '1m')).toBeNull();
    const w = new AcctWriter(join(root, 'logs'), 20);
    const state = join(fs, 'state');
    w.rows(30);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    await until(() => counted(state).rows === 30);
    const filler = fill(fs);
    w.rows(2000);
    // Wait for the first failed commit on stderr.
    let sawFull = false;
    const seen = () => sawFull;
    child.stderr?.on('data', (d: Buffer) => {
      if (/the disk holding the state is full/.test(d.toString())) sawFull = true;
    });
    await until(seen, 20_000);
    expect(sawFull).toBe(true);
    rmSync(filler);
    await until(() => counted(state).rows === w.expected().rows, 20_000);
    child.kill('SIGTERM');
    const end = await done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).toMatch(/SIGTERM: stopping after a last commit/);
    expect(counted(state)).toEqual(w.expected());
  });

  it('read-only: tail exits 3 naming the read-only file system; report and check say what to do; writable again, exact', () => {
    const root = scratch('pmta-ro-');
    const fs = join(root, 'fs');
    expect(mountTmpfs(fs, '8m')).toBeNull();
    const w = new AcctWriter(join(root, 'logs'), 21);
    const state = join(fs, 'state');
    w.rows(25);
    expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
    w.rows(10);
    expect(spawnSync('mount', ['-o', 'remount,ro', fs]).status).toBe(0);
    const r = tailOnce(w.live, state);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(
        `^pmta-acct: state ${state}: taking the lock: the state cannot be written \\(EROFS: read-only file system.*\\): the file system is read-only or the files are not this user's; make ${state} writable`,
      ),
    );
    const rep = runCli(['report', '--state', state, '--format', 'json']);
    expect(rep.code).toBe(3);
    expect(rep.stderr).toMatch(
      /the directory cannot be written, and SQLite needs to create state\.db-shm there to read state\.db; make it writable, or copy the directory/,
    );
    expect(rep.stderr.trim().split('\n')).toHaveLength(1);
    const chk = runCli(['check', '--state', state]);
    expect(chk.code).toBe(3);
    expect(chk.stdout).toMatch(/^PMTA-ACCT UNKNOWN - state .*state\.db-shm/);
    expect(spawnSync('mount', ['-o', 'remount,rw', fs]).status).toBe(0);
    const again = tailOnce(w.live, state);
    expect(again.code, again.stderr).toBe(0);
    expect(counted(state)).toEqual(w.expected());
  });
});

describe('a state that goes bad', () => {
  it('removed while tail runs: tail stops with exit 3 at its next commit; a state counted again from the files is exact', async () => {
    const root = scratch('pmta-removed-');
    const w = new AcctWriter(join(root, 'logs'), 22);
    const state = join(root, 'state');
    w.rows(20);
    const child = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(child);
    await until(() => counted(state).rows === 20);
    rmSync(state, { recursive: true, force: true });
    w.rows(15);
    const end = await done;
    expect(end.code).toBe(3);
    expect(end.stderr).toMatch(
      new RegExp(
        `state ${state}: commit failed: state\\.db was removed or moved while tail had it open .*; start tail again .*; 15 records read by this run were counted but not saved`,
      ),
    );
    const again = tailOnce(w.live, state, ['--from', 'beginning']);
    expect(again.code, again.stderr).toBe(0);
    expect(counted(state)).toEqual(w.expected());
  });

  it('damaged: tail refuses it untouched, report and check answer in one line (check as UNKNOWN), and a rebuilt state is exact', () => {
    const root = scratch('pmta-damaged-');
    const w = new AcctWriter(join(root, 'logs'), 23);
    const state = join(root, 'state');
    w.rows(60);
    w.rotate();
    w.rows(40);
    expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
    // Every page but the first (the header and the schema) overwritten: tables and indexes are garbage.
    const db = join(state, 'state.db');
    const size = statSync(db).size;
    const fd = openSync(db, 'r+');
    const junk = Buffer.alloc(size - 4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff;
    writeSync(fd, junk, 0, junk.length, 4096);
    closeSync(fd);
    const damaged = sha(db);
    w.rows(5);
    const t = tailOnce(w.live, state);
    expect(t.code).toBe(3);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    expect(t.stderr).toMatch(
      new RegExp(
        `^pmta-acct: state ${state}: .*the state database is damaged \\(.*\\); nothing more is written into it; move it aside and rebuild a state from the rotated files still on disk: pmta-acct tail --once --from <first day to count> --state NEW_DIR`,
      ),
    );
    expect(sha(db)).toBe(damaged);
    const rep = runCli(['report', '--state', state, '--format', 'json']);
    expect(rep.code).toBe(3);
    expect(rep.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(rep.stderr).toMatch(/the state database is damaged \(database disk image is malformed\)/);
    const chk = runCli(['check', '--state', state]);
    expect(chk.code).toBe(3);
    expect(chk.stdout).toMatch(/^PMTA-ACCT UNKNOWN - state .*the state database is damaged/);
    // The way back the message names: a new state counted from the files still on disk.
    const rebuilt = join(root, 'rebuilt');
    const r = tailOnce(w.live, rebuilt, ['--from', '2026-11-01']);
    expect(r.code, r.stderr).toBe(0);
    expect(counted(rebuilt)).toEqual(w.expected());
  });

  it('not a database at all: the same answer, naming state.db', () => {
    const root = scratch('pmta-notdb-');
    const w = new AcctWriter(join(root, 'logs'), 24);
    const state = join(root, 'state');
    w.rows(3);
    expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
    const fd = openSync(join(state, 'state.db'), 'w');
    writeSync(fd, 'not a database, but long enough not to be empty\n'.repeat(200));
    closeSync(fd);
    for (const f of ['state.db-wal', 'state.db-shm']) rmSync(join(state, f), { force: true });
    const t = tailOnce(w.live, state);
    expect(t.code).toBe(3);
    expect(t.stderr).toMatch(/state\.db is not a SQLite database \(file is not a database\); move it aside and rebuild/);
    const rep = runCli(['report', '--state', state]);
    expect(rep.code).toBe(3);
    expect(rep.stderr).toMatch(/state\.db is not a SQLite database/);
  });
});

describe('signals during a commit', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: the commit completes, a last one follows, exit 0; a restart counts exactly what is left`, async () => {
      const root = scratch('pmta-signal-');
      const w = new AcctWriter(join(root, 'logs'), signal === 'SIGTERM' ? 25 : 26);
      const state = join(root, 'state');
      w.rows(5);
      expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
      w.rows(400);
      w.rotate();
      w.rows(300);
      // The signal is sent from inside the second commit's transaction (a test failpoint).
      const child = startTail(w.live, state, ['--commit-rows', '50', '--chunk-size', '4096'], {
        PMTA_ACCT_FAILPOINT: `inside:2:${signal}`,
      });
      const end = await exited(child);
      expect(end.signal).toBeNull();
      expect(end.code, end.stderr).toBe(0);
      expect(end.stderr).toMatch(new RegExp(`${signal}: stopping after a last commit`));
      const mid = counted(state).rows;
      expect(mid).toBeGreaterThan(5);
      expect(mid).toBeLessThanOrEqual(w.expected().rows);
      const again = tailOnce(w.live, state);
      expect(again.code, again.stderr).toBe(0);
      expect(counted(state)).toEqual(w.expected());
    });
  }
});
