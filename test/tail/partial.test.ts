/**
 * A row written in two pieces, split at every byte position (between CR and LF, inside a quoted
 * field with a doubled quote, inside a multi-byte UTF-8 character), with a catch-up and a restart
 * in between: counted once, when complete (reliability.md §6 C25/C26).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStateReport } from '../../src/app/sources/state.js';
import { AcctWriter } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { catchUp, countedIn } from '../helpers/session.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('partial rows', () => {
  it('split at every byte position of a row: counted once, when complete', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-partial-'));
    roots.push(root);
    const w = new AcctWriter(join(root, 'logs'), 77);
    const state = join(root, 'state');
    w.rows(3);
    await catchUp(w.live, state);
    let positions = 0;
    for (let k = 1; ; k++) {
      const row = w.partial(k);
      if (k >= row.length) {
        w.complete();
        break;
      }
      await catchUp(w.live, state);
      const before = countedIn(state).rows;
      w.complete();
      await catchUp(w.live, state);
      expect(countedIn(state).rows, `split at byte ${k} of ${JSON.stringify(row.toString())}`).toBe(before + 1);
      positions++;
    }
    await catchUp(w.live, state);
    expect(positions).toBeGreaterThan(100);
    expect(countedIn(state)).toEqual(w.expected());
  });

  it('a writer that died mid-row, then a rotation, caught up by --once runs: the cut row is reported by a later run', async () => {
    // A --once run ends long before the rotate-wait, so the rotated file was never settled: its
    // cut row was never reported and the file was opened again by every run.
    const root = mkdtempSync(join(tmpdir(), 'pmta-partial-'));
    roots.push(root);
    const w = new AcctWriter(join(root, 'logs'), 77);
    const state = join(root, 'state');
    const clock = new SteppedClock();
    const once = { rotateWait: 30_000, clock };
    w.rows(3);
    w.partial(40);
    w.abandonPartial();
    await catchUp(w.live, state, once);
    const old = w.rotate().path;
    w.rows(2);
    clock.advance(10_000);
    await catchUp(w.live, state, once);
    expect(cutRows(state)).toEqual([]);
    clock.advance(300_000);
    await catchUp(w.live, state, once);
    expect(cutRows(state)).toEqual([{ code: 'TRUNCATED_RECORD', file: old, line: 5 }]);
    expect(countedIn(state)).toEqual(w.expected());
  });
});

/** The TRUNCATED_RECORD problems of a state. */
function cutRows(state: string): { code: string; file: string; line: number }[] {
  const { model } = runStateReport(state, { by: ['isp'], alsoBy: [], bucket: null, since: null, until: null, tz: 'UTC', top: null });
  return model.input.problems.filter((p) => p.code === 'TRUNCATED_RECORD').map((p) => ({ code: p.code, file: p.file, line: p.line }));
}
