/**
 * Several live files into one state (record types split over several <acct-file>s), followed
 * live: rotations of each, rotated files moved and gzipped, a crash between commits and a restart.
 * The invariant: the state counts what both writers wrote, once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter, type Expected } from '../helpers/acct-writer.js';
import { catchUp, countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';

const scratch = scratchDirs('pmta-several-');

function sum(...es: Expected[]): Expected {
  const out: Expected = { rows: 0, delivered: 0, deferred: 0, bounced: 0, hardBounced: 0, complaints: 0, deliveredBytes: 0, byIsp: {} };
  for (const e of es) {
    out.rows += e.rows;
    out.delivered += e.delivered;
    out.deferred += e.deferred;
    out.bounced += e.bounced;
    out.hardBounced += e.hardBounced;
    out.complaints += e.complaints;
    out.deliveredBytes += e.deliveredBytes;
    for (const [k, v] of Object.entries(e.byIsp)) out.byIsp[k] = (out.byIsp[k] ?? 0) + v;
  }
  return out;
}

describe('several live files', () => {
  it('followed live into one state: rotations of each, gzip, a crash and a restart, every row once', async () => {
    const root = scratch();
    const logs = join(root, 'logs');
    const archive = join(root, 'archive');
    const acct = new AcctWriter(logs, 71);
    const diag = new AcctWriter(logs, 72, { name: 'diag' });
    const state = join(root, 'state');
    const opts = { follow: true, moreLive: [diag.live], rotatedDirs: [archive], commitRows: 7 };
    let s = await openSession(acct.live, state, opts);
    acct.rows(12);
    diag.rows(9);
    await s.follower.poll();
    const a0 = acct.rotate({ moveTo: archive });
    diag.rows(3);
    const d0 = diag.rotate();
    acct.rows(5);
    diag.rows(6);
    await s.follower.poll();
    await s.follower.poll();
    // killed between commits: what was not committed is read again after the restart
    acct.rows(4);
    await s.follower.poll();
    s.close();
    diag.gzip(d0.path);
    acct.gzip(a0.path);
    acct.rows(2);
    diag.rotate();
    diag.rows(8);
    s = await openSession(acct.live, state, opts);
    try {
      await settle(s);
    } finally {
      s.close();
    }
    expect(countedIn(state)).toEqual(sum(acct.expected(), diag.expected()));
    await catchUp(acct.live, state, { moreLive: [diag.live] });
    expect(countedIn(state)).toEqual(sum(acct.expected(), diag.expected()));
  });
});
