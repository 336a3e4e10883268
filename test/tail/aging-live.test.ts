/**
 * A following tail whose buckets age while it runs (the wall clock stepped hour by hour): the
 * 5-minute and hourly tiers are written at each commit, a tier's buckets are dropped inside the
 * commits once past its retention (no earlier; hours into their day), a late record goes to every
 * tier that still holds its time, and the totals stay exact throughout.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRetain } from '../../src/cli/args.js';
import type { TailSession } from '../../src/app/tail/tail-session.js';
import { AcctWriter } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';

const scratch = scratchDirs('pmta-aging-');
const HOUR = 3600;
const DAY = 86400;

function span(s: TailSession, table: string): { n: number; lo: number | null; hi: number | null } {
  return s.state.db.prepare(`SELECT count(*) AS n, min(bucket) AS lo, max(bucket) AS hi FROM ${table} WHERE bucket <> -1`).get() as {
    n: number;
    lo: number | null;
    hi: number | null;
  };
}

function stamp(t: number): string {
  return `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}

describe('a tail running while its buckets age', () => {
  it('keeps 5-minute buckets and hours for their retentions, then days, as the clock moves, exactly', async () => {
    const root = scratch();
    const start = Date.UTC(2026, 10, 20) / 1000;
    const clock = new SteppedClock();
    clock.wall = start * 1000;
    const w = new AcctWriter(join(root, 'logs'), 5, { start, step: 120 });
    const s = await openSession(w.live, join(root, 'state'), { follow: true, clock, retain: parseRetain('5m=6h,1h=2d,1d=400d') });
    try {
      for (let hour = 1; hour <= 5 * 24; hour++) {
        w.rows(30); // 30 rows 120 s apart: one hour
        clock.advance(HOUR * 1000);
        await settle(s);
        if (hour % 6 === 0) w.rotate();
        if (hour % 24 !== 0) continue;
        const now = clock.wall / 1000;
        const fine = span(s, 'buckets');
        const hours = span(s, 'buckets_1h');
        const days = span(s, 'buckets_1d');
        // 5-minute buckets from the hour holding now - 6 h on, hours from the day holding now - 2 days
        // on, both to the newest; days (moved in from the hours) before that.
        const fineFrom = now - 6 * HOUR - ((now - 6 * HOUR) % HOUR);
        const hourFrom = now - 2 * DAY - ((now - 2 * DAY) % DAY);
        expect(fine.lo, `day ${hour / 24}`).toBe(fineFrom);
        expect(hours.lo, `day ${hour / 24}`).toBe(Math.max(hourFrom, start));
        const newest = fine.hi ?? 0;
        expect(hours.hi).toBe(newest - (newest % HOUR));
        if (hourFrom > start) expect([days.lo, days.hi]).toEqual([start, hourFrom - DAY]);
        else expect(days.n).toBe(0);
        expect(countedIn(s.state.dir)).toEqual(w.expected());
      }
      expect(span(s, 'buckets_1d').n).toBeGreaterThan(0);
      // A record three days late: into the day tier alone (the finer ones have dropped its time), counted once.
      const late = clock.wall / 1000 - 3 * DAY;
      const dayOfLate = late - (late % DAY);
      const countedThatDay = () =>
        (s.state.db.prepare('SELECT counted FROM buckets_1d WHERE bucket = ?').get(dayOfLate) as { counted: number }).counted;
      const before = countedThatDay();
      appendFileSync(
        w.live,
        `d,${stamp(late)},${stamp(late - 3)},news@sender.example,late@gmail.com,relayed,2.0.0,smtp;250 ok,mx.gmail.com,,198.51.100.1,1000,vmta1,job1,pool-a,gmail.com/vmta1\r\n`,
      );
      await settle(s);
      const e = w.expected();
      const got = countedIn(s.state.dir);
      expect(got.rows).toBe(e.rows + 1);
      expect(got.delivered).toBe(e.delivered + 1);
      expect(got.byIsp.gmail).toBe((e.byIsp.gmail ?? 0) + 1);
      expect(countedThatDay()).toBe(before + 1);
      expect(
        s.state.db.prepare('SELECT count(*) AS n FROM buckets WHERE bucket >= 0 AND bucket < ?').get(clock.wall / 1000 - 7 * HOUR),
      ).toEqual({ n: 0 });
    } finally {
      s.close();
    }
  });
});
