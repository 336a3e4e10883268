/**
 * Sequences the follower property found (shrunk), kept as tests: each failed once, with the tail
 * still running (a restart recovered the rows, so only the running-tail check saw them).
 */
import { mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { runStateReport } from '../../src/app/sources/state.js';
import { catchUp, countedIn, openSession, scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-regress-');

async function following(
  seed: number,
  before: (w: AcctWriter) => void,
  steps: (w: AcctWriter, poll: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const root = scratch();
  const w = new AcctWriter(join(root, 'logs'), seed);
  const state = join(root, 'state');
  before(w);
  const s = await openSession(w.live, state, { follow: true, commitRows: 1, chunkSize: 512, rotatedDirs: [join(root, 'archive')] });
  try {
    await steps(w, () => s.follower.poll());
    for (let i = 0; i < 3; i++) await s.follower.poll();
    s.commit();
  } finally {
    s.close();
  }
  expect(countedIn(state)).toEqual(w.expected());
}

describe('found by the follower property', () => {
  it('copytruncate before the live file was first read: the copy holds the rows, and is read', async () => {
    // The live file's fingerprint was taken at the first commit from what the file held, not from
    // what was read, so the copy looked like a copy of a file being read through its descriptor.
    await following(
      0,
      (w) => w.rows(1),
      async (w) => {
        w.copyTruncate();
      },
    );
  });

  it('rows appended to a rotated file after the tail closed it', async () => {
    await following(
      0,
      () => undefined,
      async (w, poll) => {
        const old = w.rotate({ keepOld: true });
        await poll();
        if (old.fd !== null) w.rows(1, old.fd, old.path);
      },
    );
  });

  it('copytruncate, and rows after it, between a read and the commit: the copy is not read twice', async () => {
    // The commit took the tail marker from the file as it was then (rewritten), not as it was read,
    // so after a restart the copy failed the marker check and was read again from the start.
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 0);
    const state = join(root, 'state');
    const s = await openSession(w.live, state, { commitRows: 2, chunkSize: 512, follow: true });
    w.rows(1);
    await s.follower.poll();
    w.copyTruncate();
    w.rows(1);
    s.commit();
    s.close();
    await catchUp(w.live, state);
    expect(countedIn(state)).toEqual(w.expected());
  });

  it('rows appended to a read rotated file, then gzipped before the next look: read from the .gz', async () => {
    // The .gz looked like the file as read (same first record, size known), so it was not read.
    await following(
      0,
      (w) => w.rows(1),
      async (w, poll) => {
        const old = w.rotate({ keepOld: true });
        await poll();
        if (old.fd !== null) w.rows(1, old.fd, old.path);
        w.gzip(old.path);
      },
    );
  });

  it("copytruncate's copy on the inode of a header-only file that was deleted: not read twice", async () => {
    // The deleted file's row (no first record) claimed the copy by its inode, before the content
    // said it was the live file's copy.
    await following(
      0,
      () => undefined,
      async (w, poll) => {
        const r0 = w.rotate().path;
        w.rows(1);
        w.remove(r0);
        await poll();
        w.copyTruncate();
      },
    );
  });

  it('a gzipped copy on the inode of a deleted header-only rotated file, found at a restart: read', async () => {
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 0);
    const state = join(root, 'state');
    const r0 = w.rotate().path;
    await catchUp(w.live, state);
    w.rows(1);
    const c1 = w.copyTruncate();
    w.remove(r0);
    w.gzip(c1);
    w.rows(1);
    await catchUp(w.live, state);
    expect(countedIn(state)).toEqual(w.expected());
  });
});

/** What the state counted, and its bad records (a .gz read as text makes only bad records). */
function countedAndBad(state: string): { counted: ReturnType<typeof countedIn>; bad: number } {
  const { model } = runStateReport(state, { by: ['isp'], alsoBy: [], bucket: null, since: null, until: null, tz: 'UTC', top: null });
  return { counted: countedIn(state), bad: model.input.badRecords };
}

describe('found by hand', () => {
  // gzip(1) creates its output before it writes to it: the empty .gz was taken for a new plain
  // file and read from byte 0, its gzip bytes as bad records (NO_HEADER, NUL_BYTES), and the rows
  // of the rotated file not read yet were never read from it.
  it('a rotated file gzipped in place, seen while the .gz was still empty', async () => {
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 0);
    const state = join(root, 'state');
    w.rows(3);
    const s = await openSession(w.live, state, { follow: true, commitRows: 1, chunkSize: 512 });
    try {
      await s.follower.poll();
      const old = w.rotate({ keepOld: true });
      if (old.fd !== null) w.rows(2, old.fd, old.path);
      const finish = w.gzipInSteps(old.path);
      await s.follower.poll();
      await s.follower.poll();
      finish();
      w.rows(1);
      for (let i = 0; i < 3; i++) await s.follower.poll();
      s.commit();
    } finally {
      s.close();
    }
    expect(countedAndBad(state)).toEqual({ counted: w.expected(), bad: 0 });
  });

  it('the same, with the empty .gz there when tail starts', async () => {
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 0);
    const state = join(root, 'state');
    w.rows(2);
    await catchUp(w.live, state);
    const old = w.rotate({ keepOld: true });
    if (old.fd !== null) w.rows(2, old.fd, old.path);
    const finish = w.gzipInSteps(old.path);
    const s = await openSession(w.live, state, { follow: true, commitRows: 1, chunkSize: 512 });
    try {
      await s.follower.poll();
      finish();
      w.rows(1);
      for (let i = 0; i < 3; i++) await s.follower.poll();
      s.commit();
    } finally {
      s.close();
    }
    expect(countedAndBad(state)).toEqual({ counted: w.expected(), bad: 0 });
  });

  it.each([40, 3000])(
    'a rotated file read to its end, being gzipped when tail starts (%i bytes of the .gz written): not read again',
    async (written) => {
      // At start the .gz beside its original matched no row (the original had taken it), so it was
      // read as a new file from byte 0 once complete: every row of the file counted twice.
      const root = scratch();
      const w = new AcctWriter(join(root, 'logs'), 0);
      const state = join(root, 'state');
      const archive = join(root, 'archive');
      w.rows(60);
      const old = w.rotate().path;
      w.rows(1);
      await catchUp(w.live, state, { rotatedDirs: [archive] });
      const finish = w.gzipInSteps(old, written);
      const s = await openSession(w.live, state, { follow: true, commitRows: 1, chunkSize: 512, rotatedDirs: [archive] });
      try {
        await s.follower.poll();
        const gz = finish();
        mkdirSync(archive);
        renameSync(gz, join(archive, basename(gz)));
        w.rows(1);
        for (let i = 0; i < 3; i++) await s.follower.poll();
        s.commit();
      } finally {
        s.close();
      }
      await catchUp(w.live, state, { rotatedDirs: [archive] });
      expect(countedAndBad(state)).toEqual({ counted: w.expected(), bad: 0 });
    },
  );
});
