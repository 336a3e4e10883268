/**
 * A damaged .gz among the rotated files (a gzip cut short by a full disk, a truncated copy): it
 * was decompressed whole and said "will retry" at every poll, for ever (a line every 250 ms in the
 * journal, a second of CPU each for a day's file), and none of its records was ever counted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStateReport } from '../../src/app/sources/state.js';
import { AcctWriter } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { countedIn, openSession, scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-damaged-gz-');

describe('a damaged .gz among the rotated files', () => {
  it('is said once, tried again only when it changes, and read as far as it goes once it held still for the rotate-wait', async () => {
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 3);
    const state = join(root, 'state');
    w.rows(40);
    const old = w.rotate().path;
    const gz = w.gzip(old);
    // Cut the .gz short: its start decompresses, its end is missing.
    const bytes = readFileSync(gz);
    writeFileSync(gz, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    w.rows(2);
    const clock = new SteppedClock();
    const notices: string[] = [];
    const s = await openSession(w.live, state, { follow: true, rotateWait: 10_000, clock, notices, commitRows: 1 });
    try {
      for (let i = 0; i < 20; i++) {
        await s.follower.poll();
        clock.advance(250);
      }
      s.commit();
      expect(notices.filter((n) => n.includes('incomplete or damaged'))).toEqual([
        `${gz}: the gzip file is incomplete or damaged; read once it has held still for the rotate-wait`,
      ]);
      expect(countedIn(state).rows).toBe(2);
      clock.advance(10_000);
      await s.follower.poll();
      await s.follower.poll();
      s.commit();
    } finally {
      s.close();
    }
    const counted = countedIn(state).rows;
    expect(counted).toBeGreaterThan(2);
    expect(counted).toBeLessThan(42);
    const { model } = runStateReport(state, { by: ['isp'], alsoBy: [], bucket: null, since: null, until: null, tz: 'UTC', top: null });
    expect(model.input.problems.map((p) => [p.code, p.file])).toContainEqual(['CORRUPT_INPUT', gz]);
  });
});
