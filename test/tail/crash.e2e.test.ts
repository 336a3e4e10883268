/**
 * kill -9 at random points (reliability.md §6 B17/B18) and two instances on one state (B21).
 * Counts and offsets are one transaction: whatever the point of death, a restart counts exactly
 * what the writer wrote. Seeded, so a failure names a seed that reproduces it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AcctWriter, rng } from '../helpers/acct-writer.js';
import { runCli } from '../helpers/cli.js';
import { counted, exited, sleep, startTail, tailOnce, until } from '../helpers/tail.js';

const SOAK = process.env.PMTA_ACCT_SOAK === '1';
const ITERATIONS = SOAK ? 300 : 50;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('kill -9', () => {
  it(
    `at ${ITERATIONS} seeded random points, inside and around commits: exact after restart`,
    async () => {
      const seed = Number(process.env.PMTA_ACCT_SEED ?? 20261128);
      const rand = rng(seed);
      const root = mkdtempSync(join(tmpdir(), 'pmta-crash-'));
      dirs.push(root);
      const w = new AcctWriter(join(root, 'logs'), seed);
      const state = join(root, 'state');
      const rotated: string[] = [];
      let kills = 0;
      // The state exists from here on (a child killed while starting leaves it as it was).
      w.rows(20);
      expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
      for (let i = 0; i < ITERATIONS; i++) {
        w.rows(1 + Math.floor(rand() * 150));
        if (rand() < 0.25) rotated.push(w.rotate().path);
        if (rand() < 0.1 && rotated.length > 1) {
          const path = rotated.shift() as string;
          w.gzip(path);
        }
        const mode = rand();
        const failpoint = mode < 0.4 ? `${['before', 'inside', 'after'][Math.floor(rand() * 3)]}:${1 + Math.floor(rand() * 4)}` : '';
        const child = startTail(
          w.live,
          state,
          ['--from', 'beginning', '--commit-rows', String(5 + Math.floor(rand() * 60)), '--chunk-size', '4096'],
          failpoint === '' ? {} : { PMTA_ACCT_FAILPOINT: failpoint },
        );
        const done = exited(child);
        // Keep writing while it runs, so that kills land mid-read as well as mid-commit.
        const wait = Math.floor(rand() * 700);
        await sleep(wait / 2);
        w.rows(Math.floor(rand() * 40));
        await sleep(wait / 2);
        child.kill('SIGKILL');
        const end = await done;
        if (end.signal === 'SIGKILL') kills++;
        else expect(end.code, `seed ${seed} iteration ${i}: ${end.stderr}`).toBe(0);
        if (i % 10 === 9) {
          const r = tailOnce(w.live, state);
          expect(r.code, r.stderr).toBe(0);
          expect(counted(state), `seed ${seed} iteration ${i}`).toEqual(w.expected());
        }
      }
      const r = tailOnce(w.live, state);
      expect(r.code, r.stderr).toBe(0);
      expect(kills).toBeGreaterThan(ITERATIONS / 2);
      expect(counted(state), `seed ${seed}`).toEqual(w.expected());
    },
    SOAK ? 1_800_000 : 240_000,
  );
});

describe('one state, one tail', () => {
  it('a second instance refuses with a clear message; the lock dies with its holder, even by kill -9', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-lock-'));
    dirs.push(root);
    const w = new AcctWriter(join(root, 'logs'), 3);
    const state = join(root, 'state');
    w.rows(10);
    const first = startTail(w.live, state, ['--from', 'beginning']);
    const done = exited(first);
    await until(() => counted(state).rows === 10);
    const second = tailOnce(w.live, state);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(new RegExp(`another pmta-acct tail is using this state \\(pid ${first.pid} `));
    first.kill('SIGKILL');
    await done;
    w.rows(5);
    const third = tailOnce(w.live, state);
    expect(third.code, third.stderr).toBe(0);
    expect(counted(state)).toEqual(w.expected());
  });

  it('a damaged state database is refused with its name, not replaced', () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-lock-'));
    dirs.push(root);
    const w = new AcctWriter(join(root, 'logs'), 6);
    const state = join(root, 'state');
    w.rows(3);
    expect(tailOnce(w.live, state, ['--from', 'beginning']).code).toBe(0);
    writeFileSync(join(state, 'state.db'), 'this is not a database, it is long enough to not be empty '.repeat(100));
    rmSync(join(state, 'state.db-wal'), { force: true });
    rmSync(join(state, 'state.db-shm'), { force: true });
    const r = tailOnce(w.live, state);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`state ${state}`);
    const rep = runCli(['report', '--state', state]);
    expect(rep.code).toBe(3);
  });

  it('a state follows one live file and keeps its shape', () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-lock-'));
    dirs.push(root);
    const w = new AcctWriter(join(root, 'logs'), 4);
    const state = join(root, 'state');
    w.rows(2);
    expect(tailOnce(w.live, state, ['--bucket', '15m']).code).toBe(0);
    const other = tailOnce(join(root, 'logs', 'other.csv'), state);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/it follows .*acct\.csv/);
    const bucket = tailOnce(w.live, state, ['--bucket', '1h']);
    expect(bucket.code).toBe(3);
    expect(bucket.stderr).toMatch(/its buckets are 15m, not 1h/);
  });
});
