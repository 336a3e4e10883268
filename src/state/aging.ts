/**
 * Buckets growing old in a tiered state (state/tiers.ts). The finer tiers are written at every
 * commit (state/rollup-store.ts), so their aging moves nothing: it deletes a tier's rows once they
 * are past its retention, and raises the tier's floor (meta `floor:<grain>`, state/layout.ts) to
 * where its rows now start. Such a tier holds every record from its floor on; a commit writes a
 * record only into the tiers whose floor is at or below its bucket, so what a floor promises stays
 * true. The day tier is not written at commit: the last written tier's rows (hours) are added into
 * their day as they go (counters add, histograms merge), and a record older than the hours' floor
 * goes straight to its day. All of it runs inside tail's commit transactions: a crash leaves the
 * old floors and rows or the new ones.
 *
 * A tier's floor is the start of a bucket of the next coarser tier (an hour for the 5-minute tier,
 * a local day for the hourly one), and never above the floor of a finer tier: wherever a finer
 * tier holds the time, every coarser one holds it too, in whole buckets, so a read can take the
 * whole coarse buckets from the coarse tier and only the edges from the fine one. Deletes per
 * commit are capped (a state migrated from schema 1 has weeks of 5-minute buckets to drop).
 */
import type Database from 'better-sqlite3';
import { stateKeyColumns, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';
import { floorKey, tiersWritten, type Retention, type Tier } from './tiers.js';
import { readFloors } from './layout.js';
import { TierSum } from './tier-sums.js';

/** Which tiers take a record at one moment. */
export interface Route {
  /** Does tier `index` take records of (fine) bucket start `start`? */
  takes(index: number, start: number): boolean;
}

/** Rows deleted per commit before the rest waits for the next one. */
export const MOVE_BUDGET = 50_000;

interface DropStatements {
  readonly groups: Database.Statement;
  readonly buckets: Database.Statement;
  readonly oldest: Database.Statement;
}

export class TierAging {
  private readonly tiers: readonly Tier[];
  private readonly retention: Retention;
  /** Per tier: the bucket start from which it holds every record. */
  private readonly floors: number[];
  private readonly drops: DropStatements[];
  private readonly saveFloor;
  private readonly written: number;
  /** The last written tier's rows into the next (hours into days), as they leave it. */
  private readonly moveOn: TierSum | null;

  constructor(db: Db, config: StateConfig, tiers: readonly Tier[], retention: Retention) {
    this.tiers = tiers;
    this.written = tiersWritten(tiers);
    const w = this.written;
    this.moveOn = w < tiers.length ? new TierSum(db, stateKeyColumns(config), tiers[w - 1], tiers[w], UNTIMED_BUCKET) : null;
    this.retention = retention;
    this.floors = readFloors(db, tiers);
    this.saveFloor = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.drops = tiers.map((t) => ({
      groups: db.prepare(`DELETE FROM ${t.groups} WHERE bucket < ? AND bucket <> ${UNTIMED_BUCKET}`),
      buckets: db.prepare(`DELETE FROM ${t.buckets} WHERE bucket < ? AND bucket <> ${UNTIMED_BUCKET}`),
      oldest: db.prepare(`SELECT min(bucket) AS b FROM ${t.buckets} WHERE bucket >= ? AND bucket <> ${UNTIMED_BUCKET}`),
    }));
  }

  /**
   * Where tier i's floor is due at `now`: the start of the coarser bucket holding now - retention
   * (the last tier: now - retention itself), never above a finer tier's floor (on the same edges).
   */
  private due(i: number, now: number): number {
    const coarser = this.tiers[i + 1] as Tier | undefined;
    const on = (t: number) => (coarser === undefined || !Number.isFinite(t) ? t : coarser.bucketing.start(t));
    const cut = on(now - this.retention[i]);
    return i === 0 ? cut : Math.min(cut, on(this.floors[i - 1]));
  }

  /** Which tiers take what, by the floors as they are now (age first, then write). */
  route(): Route {
    const { tiers, floors, written } = this;
    const last = tiers[written - 1];
    return {
      // A tier not written at commit takes what the last written one no longer does.
      takes: (index, start) =>
        tiers[index].bucketing.start(start) >= floors[index] && (index < written || last.bucketing.start(start) < floors[written - 1]),
    };
  }

  /**
   * Raise the floors due at `now`, deleting what falls below them, up to `budget` rows (call inside
   * a transaction). Returns whether some are left for the next call.
   */
  age(now: number, budget = MOVE_BUDGET): boolean {
    return this.advance(now, budget).more;
  }

  /** Drop everything past the retention, whatever it costs (tail's hourly prune). Returns the groups dropped. */
  prune(now: number): number {
    return this.advance(now, Number.POSITIVE_INFINITY).dropped;
  }

  private advance(now: number, budget: number): { more: boolean; dropped: number } {
    let dropped = 0;
    for (let i = 0; i < this.tiers.length; i++) {
      const target = this.due(i, now);
      const before = this.floors[i];
      const d = this.drops[i];
      const coarser = this.tiers[i + 1] as Tier | undefined;
      while (this.floors[i] < target) {
        if (dropped >= budget) {
          this.store(i, before);
          return { more: true, dropped };
        }
        const oldest = (d.oldest.get(Number.isFinite(this.floors[i]) ? this.floors[i] : Number.MIN_SAFE_INTEGER) as { b: number | null }).b;
        // A coarse bucket at a time (the last tier: everything due), so the budget can stop between.
        const upTo =
          oldest === null || oldest >= target
            ? target
            : coarser === undefined
              ? target
              : Math.min(target, coarser.bucketing.next(coarser.bucketing.start(oldest)));
        if (i === this.written - 1 && this.moveOn !== null) dropped += this.moveOn.add(this.floors[i], upTo);
        dropped += d.groups.run(upTo).changes;
        d.buckets.run(upTo);
        this.floors[i] = upTo;
      }
      this.store(i, before);
    }
    return { more: false, dropped };
  }

  private store(i: number, before: number): void {
    if (this.floors[i] !== before) this.saveFloor.run(floorKey(this.tiers[i]), String(this.floors[i]));
  }
}
