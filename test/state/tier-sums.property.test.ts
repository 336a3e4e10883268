/**
 * The 5-minute and hourly tiers written at every commit, days moved in from the hours (schema 3):
 * whatever the commits (late records included), the agings (a small budget, so floors stop part
 * way) and the restarts, (1) every hourly row equals the sum of its 5-minute rows while both are
 * kept, (2) the 5-minute and hourly tiers hold every record from their floors on and nothing below,
 * and (3) the days hold every record from their floor up to the hours' floor, so a read that takes
 * each time from one tier counts every record once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERED } from '../../src/rollup/counters.js';
import { Rollup } from '../../src/rollup/rollup.js';
import { TierAging } from '../../src/state/aging.js';
import { readFloors } from '../../src/state/layout.js';
import { RollupStore, type BucketStat } from '../../src/state/rollup-store.js';
import { openStateForTail, stateTiers, type OpenedState } from '../../src/state/state-db.js';
import { resolveRetention, type Tier } from '../../src/state/tiers.js';

const HOUR = 3600;
const DAY = 86400;
const T0 = Date.parse('2026-12-01T00:00:00Z') / 1000;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Rec {
  readonly t: number;
  readonly isp: number;
  readonly ms: number;
}

type Step =
  | { readonly kind: 'commit'; readonly recs: readonly Rec[] }
  | { readonly kind: 'clock'; readonly by: number }
  | { readonly kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.record({
          t: fc.integer({ min: -3 * DAY, max: 0 }),
          isp: fc.integer({ min: 0, max: 2 }),
          ms: fc.integer({ min: 0, max: 90_000 }),
        }),
        {
          minLength: 1,
          maxLength: 12,
        },
      )
      .map((recs) => ({ kind: 'commit' as const, recs })),
  },
  { weight: 3, arbitrary: fc.integer({ min: 60, max: 9 * HOUR }).map((by) => ({ kind: 'clock' as const, by })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

/** 5-minute rows kept 3 h, hours 1 day, days 3 days: a few simulated days cross every edge. */
const RETAIN = { all: null, byGrain: new Map([['5m', 3 * HOUR] as const, ['1h', DAY] as const, ['1d', 3 * DAY] as const]) };

class Tail {
  state: OpenedState;
  store: RollupStore;
  aging: TierAging;
  readonly tiers: readonly Tier[];
  constructor(private readonly dir: string) {
    this.state = openStateForTail(dir, { dims: ['isp'], bucket: '5m', tz: 'UTC', live: join(dir, 'acct.csv'), since: null });
    this.tiers = stateTiers(this.state.config);
    this.store = new RollupStore(this.state.db, this.state.config);
    this.aging = this.agingOf();
  }
  private agingOf(): TierAging {
    return new TierAging(this.state.db, this.state.config, this.tiers, resolveRetention(RETAIN, ['5m', '1h', '1d']).retention);
  }
  restart(): void {
    this.state.close();
    this.state = openStateForTail(this.dir, null);
    this.store = new RollupStore(this.state.db, this.state.config);
    this.aging = this.agingOf();
  }
  /** Commit records at clock `now` (times relative to it), aging in small steps as tail does. */
  commit(now: number, recs: readonly Rec[]): void {
    const r = new Rollup(['isp']);
    const buckets = new Map<number, BucketStat>();
    for (const rec of recs) {
      const t = now + rec.t;
      const start = t - (t % 300);
      r.key[0] = r.bucketId(start);
      r.key[1] = r.dicts[0].id(`isp${rec.isp}`);
      const g = r.group();
      r.count(g, DELIVERED, false, 100);
      r.latency(g, rec.ms / 1000);
      const s = buckets.get(start) ?? { counted: 0, first: Number.NaN, last: Number.NaN };
      buckets.set(start, { counted: s.counted + 1, first: Math.min(t, s.first) || t, last: Math.max(t, s.last) || t });
    }
    this.state.db.transaction(() => {
      this.aging.age(now, 7);
      this.store.write({ rollup: r, buckets, totals: new Map(), problems: [] }, this.aging.route());
    })();
  }
}

/** Per coarse bucket and key: delivered and the merged histogram, of tier `from` rolled into `to`'s buckets from `floor` on. */
function sums(st: OpenedState, from: Tier, to: Tier, floor: number): string[] {
  const starts = st.db
    .prepare(`SELECT DISTINCT bucket FROM ${from.groups} WHERE bucket >= ? AND bucket <> -1`)
    .pluck()
    .all(floor) as number[];
  const out: string[] = [];
  for (const c0 of new Set(starts.map((s) => to.bucketing.start(s)))) {
    const c1 = to.bucketing.next(c0);
    for (const row of st.db
      .prepare(
        `SELECT isp_id, sum(delivered) AS n, hex(hist_merge(hist)) AS h FROM ${from.groups} WHERE bucket >= ? AND bucket < ? GROUP BY isp_id`,
      )
      .all(c0, c1) as { isp_id: number; n: number; h: string }[])
      out.push(`${c0} ${row.isp_id} ${row.n} ${row.h}`);
  }
  return out.sort();
}

function rows(st: OpenedState, tier: Tier, floor: number): string[] {
  return (
    st.db
      .prepare(`SELECT bucket, isp_id, delivered AS n, hex(hist) AS h FROM ${tier.groups} WHERE bucket >= ? AND bucket <> -1`)
      .all(floor) as { bucket: number; isp_id: number; n: number; h: string }[]
  )
    .map((r) => `${r.bucket} ${r.isp_id} ${r.n} ${r.h}`)
    .sort();
}

describe('every tier written at every commit', () => {
  it('keeps each coarse row the sum of its finer rows, and each tier whole from its floor on', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const root = mkdtempSync(join(tmpdir(), 'pmta-tier-sums-'));
        roots.push(root);
        const tail = new Tail(join(root, 'state'));
        const written: number[] = [];
        let now = T0;
        try {
          for (const s of steps) {
            if (s.kind === 'clock') now += s.by;
            else if (s.kind === 'restart') tail.restart();
            else {
              tail.commit(now, s.recs);
              for (const r of s.recs) written.push(now + r.t);
            }
            const { tiers } = tail;
            const floors = readFloors(tail.state.db, tiers);
            for (let i = 1; i < tiers.length; i++)
              expect(floors[i], 'a coarser floor is never above a finer one').toBeLessThanOrEqual(floors[i - 1]);
            for (let i = 1; i < 2; i++) {
              // Where the finer tier holds the time (its floor is on the coarser tier's buckets).
              const from = floors[i - 1];
              expect(rows(tail.state, tiers[i], from), `${tiers[i].grain} rows = sums of ${tiers[i - 1].grain} rows`).toEqual(
                sums(tail.state, tiers[i - 1], tiers[i], from),
              );
            }
            const [fine, hours, days] = tiers;
            const sum = (t: Tier, lo: number, hi: number) =>
              tail.state.db
                .prepare(`SELECT coalesce(sum(delivered), 0) FROM ${t.groups} WHERE bucket >= ? AND bucket < ?`)
                .pluck()
                .get(lo, hi);
            const daysWant = written.filter((w) => days.bucketing.start(w) >= floors[2] && w < floors[1]).length;
            expect(sum(days, floors[2], floors[1]), '1d holds every record from its floor to the hours').toBe(daysWant);
            expect(sum(days, floors[1], Number.POSITIVE_INFINITY), '1d holds nothing the hours hold').toBe(0);
            for (const t of [fine, hours]) {
              const want = written.filter((w) => t.bucketing.start(w) >= floors[t.index]).length;
              const held = tail.state.db
                .prepare(`SELECT coalesce(sum(delivered), 0) FROM ${t.groups} WHERE bucket >= ?`)
                .pluck()
                .get(floors[t.index]);
              const counted = tail.state.db
                .prepare(`SELECT coalesce(sum(counted), 0) FROM ${t.buckets} WHERE bucket >= ?`)
                .pluck()
                .get(floors[t.index]);
              expect(held, `${t.grain} holds every record from its floor`).toBe(want);
              expect(counted, `${t.grain} counts every record from its floor`).toBe(want);
              const below = tail.state.db
                .prepare(`SELECT count(*) FROM ${t.groups} WHERE bucket < ? AND bucket <> -1`)
                .pluck()
                .get(floors[t.index]);
              expect(below, `${t.grain} keeps nothing below its floor`).toBe(0);
            }
          }
        } finally {
          tail.state.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
