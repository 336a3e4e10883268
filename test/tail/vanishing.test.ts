/**
 * Paths that go away for a while (reliability.md §6 case 15): the live file's directory moved away
 * and back, a move-to directory of rotated files missing for a while. The follower must not crash,
 * must read on when the paths return, and count every row once. (EACCES cannot be simulated as
 * root, which CI is; a path that cannot be opened is the same code path as one that is missing.)
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { catchUp, countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';

const scratch = scratchDirs('pmta-vanish-');

describe('paths that vanish for a while', () => {
  it("the live file's directory moved away and back while the writer goes on: every row once", async () => {
    const root = scratch();
    const logs = join(root, 'logs');
    const w = new AcctWriter(logs, 51);
    const notices: string[] = [];
    const s = await openSession(w.live, join(root, 'state'), { follow: true, rotateWait: 60_000, notices });
    try {
      w.rows(12);
      await s.follower.poll();
      renameSync(logs, `${logs}.away`);
      w.rows(6); // through the writer's open descriptor
      await s.follower.poll();
      await s.follower.poll();
      renameSync(`${logs}.away`, logs);
      w.rows(4);
      await s.follower.poll();
      expect(s.follower.followed().map((f) => [f.path, f.role])).toEqual([[w.live, 'live']]);
      w.rows(3);
      await s.follower.poll();
      s.commit();
    } finally {
      s.close();
    }
    expect(countedIn(join(root, 'state'))).toEqual(w.expected());
    expect(notices.filter((n) => n.startsWith('gap:'))).toEqual([]);
  });

  it('a move-to directory missing for a while: its files are neither lost nor read twice when it returns', async () => {
    const root = scratch();
    const logs = join(root, 'logs');
    const archive = join(root, 'archive');
    const w = new AcctWriter(logs, 52);
    const notices: string[] = [];
    const state = join(root, 'state');
    const s = await openSession(w.live, state, { follow: true, rotatedDirs: [archive], notices });
    try {
      w.rows(10);
      await s.follower.poll();
      w.rotate({ moveTo: archive });
      w.rows(5);
      await s.follower.poll();
      await s.follower.poll();
      renameSync(archive, `${archive}.away`);
      await s.follower.poll();
      w.rows(5);
      await s.follower.poll();
      renameSync(`${archive}.away`, archive);
      w.rotate({ moveTo: archive });
      w.rows(2);
      await settle(s);
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(w.expected());
    expect(notices.filter((n) => n.startsWith('gap:'))).toEqual([]);
    // and a restart finds nothing new
    await catchUp(w.live, state);
    expect(countedIn(state)).toEqual(w.expected());
  });
});
