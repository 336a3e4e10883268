/**
 * PowerMTA may write the current accounting file under its dated name (acct-YYYY-MM-DD-NNNN.csv,
 * docs: "the file currently being written already carries the dated name"), with no file at the
 * configured name itself. Then no file ever has the live role: the newest dated file is written to
 * for hours, with pauses longer than the rotate-wait at night, and is closed after each pause. It
 * must be read on when it grows again, and `--from end` must start at its last complete record.
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter, HEADER } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { catchUp, countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';

const scratch = scratchDirs('pmta-dated-');

/** A writer whose rows go to dated files only (the configured name never exists). */
function datedWriter(seed: number): { w: AcctWriter; state: string; open: (seq: number) => { fd: number; path: string } } {
  const root = scratch();
  const w = new AcctWriter(join(root, 'logs'), seed);
  w.remove(w.live);
  const open = (seq: number) => {
    const path = join(w.dir, `acct-2026-11-28-${String(seq).padStart(4, '0')}.csv`);
    const fd = openSync(path, 'a');
    writeSync(fd, `${HEADER}\r\n`);
    return { fd, path };
  };
  return { w, state: join(root, 'state'), open };
}

describe('the current file under its dated name', () => {
  it('is read on when it grows after a pause longer than the rotate-wait, and the next one after it', async () => {
    const { w, state, open } = datedWriter(61);
    const clock = new SteppedClock();
    const s = await openSession(w.live, state, { follow: true, rotateWait: 10_000, clock });
    try {
      const a = open(0);
      w.rows(10, a.fd, a.path);
      await s.follower.poll();
      clock.advance(20_000);
      await s.follower.poll();
      expect(s.follower.followed(), 'closed after the rotate-wait').toEqual([]);
      w.rows(5, a.fd, a.path);
      clock.advance(1_000);
      await s.follower.poll();
      await s.follower.poll();
      const b = open(1);
      w.rows(3, b.fd, b.path);
      w.rows(2, a.fd, a.path);
      clock.advance(1_000);
      await settle(s);
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(w.expected());
    // a restart finds nothing new, and then what was added while it was stopped
    await catchUp(w.live, state);
    expect(countedIn(state)).toEqual(w.expected());
  });

  it('--from end starts after the last complete record of the newest dated file, and reads what follows', async () => {
    const { w, state, open } = datedWriter(62);
    const a = open(0);
    w.rows(10, a.fd, a.path);
    const partial = 'd,2026-11-28 10:59:59+0000,2026-11-28 10:59:58+0000,bounce@shop.example,x@gmail.com,relayed,2.0.0,"smtp;250 2.0.0 OK';
    writeSync(a.fd, partial);
    const s = await openSession(w.live, state, { from: 'end', follow: true, rotateWait: 60_000 });
    try {
      await s.follower.poll();
      // the row in progress at start completes: counted (it was not complete when tail started)
      writeSync(a.fd, ' done",mx.gmail.com,,203.0.113.7,1234,vmta7,job1,pool-a,gmail.com/vmta7\r\n');
      w.rows(4, a.fd, a.path);
      await settle(s);
    } finally {
      s.close();
    }
    const counted = countedIn(state);
    const after = w.expected((_, i) => i >= 10);
    expect(counted.rows).toBe(after.rows + 1);
    expect(counted.delivered).toBe(after.delivered + 1);
  });
});
