/**
 * The follower against a model of the file system (reliability.md §6 F): random sequences of
 * writes, partial rows, rotations (into a move-to directory too), gzip and deletion of rotated
 * files, truncation, copytruncate, catch-ups and crashes (a session dropped without its final commit). The
 * model is the writer's log; the invariant is counted == written, with no loss and no duplicate.
 * Deletions and truncations happen only to content the tool has read (otherwise the loss is
 * documented and reported, and tested elsewhere).
 */
import { closeSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import type { TailSession } from '../../src/app/tail/tail-session.js';
import { catchUp, countedIn, openSession } from '../helpers/session.js';

type Action =
  | { kind: 'rows'; n: number }
  | { kind: 'partial'; bytes: number }
  | { kind: 'complete' }
  | { kind: 'rotate'; move: boolean }
  | { kind: 'late'; n: number }
  | { kind: 'gzip' }
  | { kind: 'delete' }
  | { kind: 'truncate' }
  | { kind: 'copytruncate' }
  | { kind: 'read' }
  | { kind: 'crash'; polls: number; commitRows: number }
  | { kind: 'follow'; commitRows: number }
  | { kind: 'poll'; commit: boolean }
  | { kind: 'stop' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => ({ kind: 'rows' as const, n })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((bytes) => ({ kind: 'partial' as const, bytes })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'complete' as const }) },
  { weight: 2, arbitrary: fc.boolean().map((move) => ({ kind: 'rotate' as const, move })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => ({ kind: 'late' as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'gzip' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'copytruncate' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'read' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      polls: fc.integer({ min: 0, max: 3 }),
      commitRows: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 30 }).map((commitRows) => ({ kind: 'follow' as const, commitRows })) },
  { weight: 4, arbitrary: fc.boolean().map((commit) => ({ kind: 'poll' as const, commit })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) },
);

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('follower property', () => {
  it('counted == written for any sequence of file-system actions, crashes and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 20 }), fc.integer(), async (actions, seed) => {
        const root = mkdtempSync(join(tmpdir(), 'pmta-prop-'));
        roots.push(root);
        const w = new AcctWriter(join(root, 'logs'), seed);
        const archive = join(root, 'archive');
        const state = join(root, 'state');
        const opts = { rotatedDirs: [archive] };
        // Rotated files with their state: read to the end (safe to delete) or not.
        let rotated: { path: string; read: boolean }[] = [];
        let liveUnread = false;
        let partialOpen = false;
        // The last rotated file's old descriptor, kept open: PowerMTA may still append to it.
        const last: { old: { fd: number; path: string } | null } = { old: null };
        const dropOld = (path?: string) => {
          if (last.old === null || (path !== undefined && last.old.path !== path)) return;
          closeSync(last.old.fd);
          last.old = null;
        };
        // A session following between the file actions (polls see files change under them).
        let following: TailSession | null = null;
        const stopFollowing = (commit: boolean) => {
          if (following === null) return;
          if (commit) following.commit();
          following.close();
          following = null;
        };
        for (const a of actions) {
          switch (a.kind) {
            case 'rows':
              if (partialOpen) break;
              w.rows(a.n);
              liveUnread = true;
              break;
            case 'partial':
              if (partialOpen) break;
              w.partial(a.bytes);
              partialOpen = true;
              liveUnread = true;
              break;
            case 'complete':
              if (partialOpen) liveUnread = true;
              w.complete();
              partialOpen = false;
              break;
            case 'rotate': {
              if (partialOpen) break;
              dropOld();
              const r = w.rotate({ ...(a.move ? { moveTo: archive } : {}), keepOld: true });
              if (r.fd !== null) last.old = { fd: r.fd, path: r.path };
              rotated.push({ path: r.path, read: !liveUnread });
              liveUnread = false;
              break;
            }
            case 'late': {
              // Rows appended to the last rotated file after the rotation (read or not, closed or not).
              const o = last.old;
              const f = o === null ? undefined : rotated.find((r) => r.path === o.path && existsSync(r.path));
              if (o === null || f === undefined || partialOpen) break;
              w.rows(a.n, o.fd, o.path);
              f.read = false;
              break;
            }
            case 'gzip': {
              const f = rotated.find((r) => !r.path.endsWith('.gz') && existsSync(r.path));
              if (f !== undefined) {
                dropOld(f.path);
                f.path = w.gzip(f.path);
              }
              break;
            }
            case 'delete': {
              const f = rotated.find((r) => r.read && existsSync(r.path));
              if (f !== undefined) {
                dropOld(f.path);
                w.remove(f.path);
                rotated = rotated.filter((r) => r !== f);
              }
              break;
            }
            case 'truncate':
              if (liveUnread || partialOpen) break;
              w.truncateLive();
              break;
            case 'copytruncate':
              if (partialOpen) break;
              rotated.push({ path: w.copyTruncate(), read: !liveUnread });
              liveUnread = false;
              break;
            case 'read':
              stopFollowing(true);
              await catchUp(w.live, state, opts);
              rotated = rotated.map((r) => ({ ...r, read: true }));
              liveUnread = false;
              break;
            case 'follow':
              if (following === null)
                following = await openSession(w.live, state, { ...opts, commitRows: a.commitRows, chunkSize: 512, follow: true });
              break;
            case 'poll':
              if (following !== null) {
                await following.follower.poll();
                if (a.commit) following.commit();
              }
              break;
            case 'stop':
              // Dropped without a final commit: a crash of a following tail.
              stopFollowing(false);
              break;
            case 'crash': {
              stopFollowing(false);
              // Some polls and commits, then the session is dropped without its final commit.
              const s = await openSession(w.live, state, { ...opts, commitRows: a.commitRows, chunkSize: 512 });
              for (let i = 0; i < a.polls; i++) await s.follower.poll();
              s.close();
              break;
            }
          }
        }
        w.complete();
        if (following !== null) {
          // A tail that kept running has it all too, with no restart to catch up from the offsets.
          const f = following as TailSession;
          for (let i = 0; i < 3; i++) await f.follower.poll();
          f.commit();
          expect(countedIn(state), 'counted by the running tail').toEqual(w.expected());
        }
        stopFollowing(true);
        dropOld();
        await catchUp(w.live, state, opts);
        expect(countedIn(state)).toEqual(w.expected());
      }),
      {
        numRuns: Number(process.env.PMTA_ACCT_PROPERTY_RUNS ?? (process.env.PMTA_ACCT_SOAK === '1' ? 3000 : 150)),
        seed: Number(process.env.PMTA_ACCT_SEED ?? 4242),
      },
    );
  });
});
