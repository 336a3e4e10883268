/**
 * A clock step (NTP, reliability.md §6 case 23) must not change what is counted or when state is
 * committed: intervals run on elapsed time, the wall clock only places events and stored facts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { countedIn, openSession, scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-clock-');

function setup(seed: number): { w: AcctWriter; state: string } {
  const root = scratch();
  return { w: new AcctWriter(join(root, 'logs'), seed), state: join(root, 'state') };
}

describe('a wall clock step', () => {
  it('forward: a rotated file stays open for the rotate-wait, and rows written to its old descriptor count', async () => {
    const { w, state } = setup(31);
    const clock = new SteppedClock();
    const s = await openSession(w.live, state, { follow: true, rotateWait: 10_000, clock });
    try {
      w.rows(10);
      await s.follower.poll();
      const old = w.rotate({ keepOld: true });
      w.rows(3);
      await s.follower.poll();
      expect(
        s.follower
          .followed()
          .map((f) => f.role)
          .sort(),
      ).toEqual(['live', 'rotated']);
      clock.step(3600_000);
      await s.follower.poll();
      expect(
        s.follower.followed().some((f) => f.path === old.path),
        'closed by a clock step',
      ).toBe(true);
      if (old.fd !== null) w.rows(5, old.fd, old.path);
      clock.advance(5_000);
      await s.follower.poll();
      clock.advance(10_001);
      await s.follower.poll();
      expect(
        s.follower.followed().some((f) => f.path === old.path),
        'closed after the rotate-wait',
      ).toBe(false);
      s.commit();
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(w.expected());
  });

  it('back or forward: commits keep their cadence in elapsed time', async () => {
    const { w, state } = setup(32);
    const clock = new SteppedClock();
    const s = await openSession(w.live, state, { follow: true, commitInterval: 1000, commitRows: 1_000_000, clock });
    try {
      w.rows(5);
      await s.follower.poll();
      s.commit();
      const base = s.commits;
      // An hour back: the next commit is still due one second later.
      clock.step(-3600_000);
      w.rows(5);
      clock.advance(1500);
      await s.follower.poll();
      expect(s.commits).toBe(base + 1);
      // An hour forward with no time passing: no commit is due yet.
      clock.step(3600_000);
      w.rows(5);
      await s.follower.poll();
      expect(s.commits).toBe(base + 1);
      clock.advance(1500);
      w.rows(5);
      await s.follower.poll();
      expect(s.commits).toBe(base + 2);
      s.commit();
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(w.expected());
  });
});
