/**
 * readRollup (state/stored-read.ts) sums the stored groups in SQLite: counters with sum(),
 * histograms with hist_hex_sum, per answer bucket and key. Whatever the dimensions, buckets and
 * range asked, what it reads must equal regrouping the rollup that was stored, exactly, over two
 * tiers and with records that have no time. More groups with latencies than a rollup's first
 * histogram block holds, so the histogram array grows while it is read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/model/rows.js';
import { BOUNCED, DEFERRED, DELIVERED } from '../../src/rollup/counters.js';
import { regroup } from '../../src/rollup/regroup.js';
import { NO_BUCKET, Rollup } from '../../src/rollup/rollup.js';
import { RollupStore, type BucketStat } from '../../src/state/rollup-store.js';
import { openStateForTail, stateTiers, type OpenedState } from '../../src/state/state-db.js';
import { readRollup, tierPiece, type BucketRange } from '../../src/state/stored-read.js';
import { piecesOf, type Layout } from '../../src/state/layout.js';

const T0 = Date.parse('2026-12-01T00:00:00Z') / 1000;
const HOUR = 3600;
/** Buckets before this went to the hourly tier when they were written. */
const CUT = T0 + 2 * HOUR;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Three hours of 5-minute groups by isp and ip (some with latencies), and a few without a time. */
function source(): Rollup {
  const r = new Rollup(['isp', 'ip']);
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let b = 0; b < 36; b++) {
    for (let i = 0; i < 25; i++) {
      if (rand(3) === 0) continue;
      r.key[0] = r.bucketId(T0 + b * 300);
      r.key[1] = r.dicts[0].id(`isp${i % 4}`);
      r.key[2] = r.dicts[1].id(`10.0.0.${i}`);
      const g = r.group();
      for (let n = rand(5); n > 0; n--) r.count(g, DELIVERED, false, 1000 + rand(5000));
      if (rand(2) === 0) r.count(g, DEFERRED, false, 0);
      if (rand(4) === 0) r.count(g, BOUNCED, rand(2) === 0, 0);
      if (rand(3) !== 0) for (let n = 1 + rand(4); n > 0; n--) r.latency(g, rand(4000) / 10);
    }
  }
  for (let i = 0; i < 3; i++) {
    r.key[0] = r.bucketId(NO_BUCKET);
    r.key[1] = r.dicts[0].id(`isp${i}`);
    r.key[2] = r.dicts[1].id('10.0.0.1');
    const g = r.group();
    r.count(g, DELIVERED, false, 10);
    r.latency(g, 3);
  }
  return r;
}

function stored(src: Rollup): OpenedState {
  const root = mkdtempSync(join(tmpdir(), 'pmta-stored-read-'));
  roots.push(root);
  const state = openStateForTail(join(root, 'state'), {
    dims: ['isp', 'ip'],
    bucket: '5m',
    tz: 'UTC',
    live: join(root, 'acct.csv'),
    since: null,
  });
  const store = new RollupStore(state.db, state.config);
  const buckets = new Map<number, BucketStat>();
  for (const start of src.bucketStarts) buckets.set(start, { counted: 1, first: Number.NaN, last: Number.NaN });
  state.db.transaction(() =>
    store.write({ rollup: src, buckets, totals: new Map(), problems: [] }, { takes: (i, s) => i === 1 || (i === 0 && s >= CUT) }),
  )();
  return state;
}

/** A rollup's groups as sorted JSON lines (the order groups were made in is not part of the answer). */
function lines(r: Rollup): string[] {
  return rowsOf(r)
    .map((row) => JSON.stringify(row))
    .sort();
}

const hourOf = (s: number) => s - (s % HOUR);

describe('readRollup', () => {
  const src = source();
  const state = stored(src);
  afterAll(() => state.close());
  const tiers = stateTiers(state.config);
  // 5-minute and hourly tiers written, the 5-minute one from CUT on (as if its older buckets had aged out).
  const layout: Layout = { tiers, floors: [CUT, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], written: 2 };
  // What a stored 5-minute bucket became: its hour before the cut, itself after.
  const storedAs = (s: number) => (s < CUT ? hourOf(s) : s);
  const inRange = (range: BucketRange | null) => (s: number) =>
    range === null || ((range.since === null || storedAs(s) >= range.since) && (range.until === null || storedAs(s) < range.until));

  const ranges: [string, BucketRange | null][] = [
    ['everything', null],
    ['a range over both tiers', { since: T0 + HOUR, until: T0 + 2 * HOUR + 1800 }],
    ['the finest tier only', { since: CUT + 600, until: null }],
  ];
  const questions: [string, readonly string[], ((s: number) => number) | null][] = [
    ['no bucket, no key', [], null],
    ['no bucket, by isp', ['isp'], null],
    ['the stored buckets, by isp and ip (every key: rows as stored)', ['isp', 'ip'], (s) => s],
    ['the stored buckets, by ip', ['ip'], (s) => s],
    ['hours, by ip and isp', ['ip', 'isp'], hourOf],
    ['hours, no key', [], hourOf],
  ];
  for (const [rangeName, range] of ranges) {
    for (const [name, dims, bucketOf] of questions) {
      it(`${name}, ${rangeName}: the stored rollup regrouped`, () => {
        // As a report reads: the coarsest tier that fits the answer's buckets where finer ones hold the time too.
        const coarsest = bucketOf === null || bucketOf === hourOf ? tiers.length - 1 : 0;
        const got = readRollup(state.db, state.config, piecesOf(layout, range, coarsest), {
          dims,
          bucketOf: bucketOf === null ? null : (s) => bucketOf(s),
          hist: true,
        });
        const keep = range === null ? undefined : inRange(range);
        const want = regroup(src, dims, bucketOf === null ? null : (s) => bucketOf(storedAs(s)), keep);
        expect(got.size).toBeGreaterThan(0);
        expect(lines(got)).toEqual(lines(want));
      });
    }
  }

  it('reads the counters alone when no histogram is asked (check --state)', () => {
    const got = readRollup(state.db, state.config, [tierPiece(tiers[0], { since: CUT, until: Number.POSITIVE_INFINITY })], {
      dims: ['isp'],
      bucketOf: (s) => s,
      hist: false,
    });
    const want = regroup(
      src,
      ['isp'],
      (s) => s,
      (s) => s >= CUT,
    );
    const counts = (r: Rollup) =>
      rowsOf(r)
        .map((row) => JSON.stringify([row.bucket, row.key, row.counts]))
        .sort();
    expect(counts(got)).toEqual(counts(want));
    expect(got.histSlots.some((s) => s >= 0)).toBe(false);
  });
});
