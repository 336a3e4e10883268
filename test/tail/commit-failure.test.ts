/**
 * A commit that fails (disk full, I/O error: reliability.md §6 B22) keeps the counts and offsets
 * in memory and writes them with the next commit: nothing is lost, nothing is counted twice, and
 * nothing is stored that its offsets do not cover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { catchUp, countedIn, openSession } from '../helpers/session.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('a failing commit', () => {
  it('is retried with everything counted since, and the state stays consistent if the process dies first', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-commitfail-'));
    roots.push(root);
    const w = new AcctWriter(join(root, 'logs'), 91);
    const state = join(root, 'state');
    w.rows(10);
    await catchUp(w.live, state);
    const s = await openSession(w.live, state, { follow: true });
    const write = s.store.write.bind(s.store);
    let failures = 2;
    s.store.write = (delta, route) => {
      const touched = write(delta, route);
      if (failures-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
      return touched;
    };
    w.rows(7);
    await s.follower.poll();
    expect(s.commit()).toBe(false);
    w.rows(5);
    w.rotate();
    w.rows(3);
    await s.follower.poll();
    expect(s.commit()).toBe(false);
    // Nothing of the failed commits is stored (the transaction rolled back).
    expect(countedIn(state).rows).toBe(10);
    await s.follower.poll();
    expect(s.commit()).toBe(true);
    s.close();
    expect(countedIn(state)).toEqual(w.expected());
    // And a restart finds nothing left to count twice.
    await catchUp(w.live, state);
    expect(countedIn(state)).toEqual(w.expected());
  });
});
