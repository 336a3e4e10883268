/**
 * Buckets growing old in a tiered state (state/tiers.ts): where a commit writes a bucket (the tier
 * whose time it is in), moving aged buckets into the next tier, and dropping what is past the
 * retention. All three run inside tail's commit transactions, so a crash leaves either the old or
 * the new place of every group, never both and never neither.
 *
 * A move is one coarse bucket at a time (an hour of 5-minute buckets, a day of hours): the rows of
 * the finer tier in that bucket are summed in SQL (counters with sum(), histograms with the
 * registered hist_merge aggregate), added to what the coarser tier already has for it (a late
 * record may have been written there directly), and deleted. Each tier keeps a watermark (meta
 * `aged:<grain>`): everything it held below it has been moved, so the next move starts there, and a
 * late record for a time below it goes straight to a coarser tier. Work per commit is capped, so a
 * state migrated from schema 1 with weeks of 5-minute buckets is rolled up over many commits.
 */
import type Database from 'better-sqlite3';
import { COUNTER_NAMES } from '../rollup/counters.js';
import { bucketSeconds } from '../rollup/buckets.js';
import { stateKeyColumns, UNTIMED_BUCKET, type Db, type StateConfig } from './state-db.js';
import { type Retention, type Tier } from './tiers.js';

/** Where records go at one moment: the tier owning a bucket start, or -1 when past the retention. */
export interface Route {
  owner(start: number): number;
}

/** Rows moved per commit before the rest waits for the next one. */
export const MOVE_BUDGET = 50_000;

interface MoveStatements {
  readonly groups: Database.Statement;
  readonly buckets: Database.Statement;
  readonly dropGroups: Database.Statement;
  readonly dropBuckets: Database.Statement;
  readonly oldest: Database.Statement;
}

export class TierAging {
  private readonly db: Db;
  private readonly tiers: readonly Tier[];
  private readonly retention: Retention;
  /** Per tier but the last: the start below which everything it held has moved on. */
  private readonly aged: number[];
  private readonly moves: MoveStatements[];
  private readonly saveAged;

  constructor(db: Db, config: StateConfig, tiers: readonly Tier[], retention: Retention) {
    this.db = db;
    this.tiers = tiers;
    this.retention = retention;
    const get = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.aged = tiers.slice(0, -1).map((t) => {
      const row = get.get(`aged:${t.grain}`) as { value: string } | undefined;
      return row === undefined ? Number.MIN_SAFE_INTEGER : Number(row.value);
    });
    this.saveAged = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.moves = tiers.slice(0, -1).map((from, i) => moveStatements(db, config, from, tiers[i + 1]));
  }

  /**
   * Tier i keeps the buckets from `cut(i)` on; older ones belong to tier i + 1 (the start of the
   * coarser bucket holding now - retention, or the watermark if that is later).
   */
  private cut(i: number, now: number): number {
    return Math.max(this.tiers[i + 1].bucketing.start(now - this.retention[i]), this.aged[i]);
  }

  route(now: number): Route {
    const cuts: number[] = [];
    for (let i = 0; i + 1 < this.tiers.length; i++) cuts.push(Math.min(this.cut(i, now), i === 0 ? Infinity : cuts[i - 1]));
    const drop = now - this.retention[this.retention.length - 1];
    return {
      owner(start: number): number {
        if (start < drop) return -1;
        for (let i = 0; i < cuts.length; i++) if (start >= cuts[i]) return i;
        return cuts.length;
      },
    };
  }

  /**
   * Move aged buckets on, up to `budget` rows (call inside a transaction). Returns whether some
   * are left for the next call.
   */
  age(now: number, budget = MOVE_BUDGET): boolean {
    let left = budget;
    for (let i = 0; i + 1 < this.tiers.length; i++) {
      const target = this.tiers[i + 1].bucketing.start(now - this.retention[i]);
      const from = this.tiers[i];
      const to = this.tiers[i + 1];
      const m = this.moves[i];
      const before = this.aged[i];
      for (;;) {
        if (left <= 0) {
          this.store(i, before);
          return true;
        }
        const oldest = (m.oldest.get(this.aged[i], UNTIMED_BUCKET) as { b: number | null }).b;
        if (oldest === null || oldest >= target) {
          if (target > this.aged[i]) this.aged[i] = target;
          break;
        }
        const c0 = to.bucketing.start(oldest);
        const c1 = to.bucketing.next(c0);
        const size = bucketSeconds(from.grain);
        // A local day whose edges are not on this tier's buckets (a zone changed its offset since the
        // state was made) stays at this grain rather than being cut inexactly.
        if (c0 % size === 0 && c1 % size === 0) {
          left -= m.groups.run(c0, c0, c1).changes;
          m.buckets.run(c0, c0, c1);
          m.dropGroups.run(c0, c1);
          m.dropBuckets.run(c0, c1);
        }
        this.aged[i] = c1;
      }
      this.store(i, before);
    }
    return false;
  }

  private store(i: number, before: number): void {
    if (this.aged[i] !== before) this.saveAged.run(`aged:${this.tiers[i].grain}`, String(this.aged[i]));
  }

  /** Drop buckets past the retention from every tier (records without a time stay). Returns the groups dropped. */
  prune(now: number): number {
    const before = now - this.retention[this.retention.length - 1];
    let n = 0;
    for (const t of this.tiers) {
      n += this.db.prepare(`DELETE FROM ${t.groups} WHERE bucket < ? AND bucket <> ?`).run(before, UNTIMED_BUCKET).changes;
      this.db.prepare(`DELETE FROM ${t.buckets} WHERE bucket < ? AND bucket <> ?`).run(before, UNTIMED_BUCKET);
    }
    return n;
  }
}

function moveStatements(db: Db, config: StateConfig, from: Tier, to: Tier): MoveStatements {
  const keys = stateKeyColumns(config);
  const cols = ['bucket', ...keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hist'];
  const sums = COUNTER_NAMES.map((n) => `sum("${n}")`);
  const adds = [...COUNTER_NAMES.map((n) => `"${n}" = "${n}" + excluded."${n}"`), 'hist = hist_add(hist, excluded.hist)'];
  const groupBy = keys.length > 0 ? `GROUP BY ${keys.join(', ')}` : '';
  return {
    groups: db.prepare(`INSERT INTO ${to.groups} (${cols.join(', ')})
      SELECT ?, ${[...keys, ...sums, 'hist_merge(hist)'].join(', ')} FROM ${from.groups} WHERE bucket >= ? AND bucket < ? ${groupBy} HAVING count(*) > 0
      ON CONFLICT (${['bucket', ...keys].join(', ')}) DO UPDATE SET ${adds.join(', ')}`),
    buckets: db.prepare(`INSERT INTO ${to.buckets} (bucket, counted, first_event, last_event)
      SELECT ?, sum(counted), min(first_event), max(last_event) FROM ${from.buckets} WHERE bucket >= ? AND bucket < ? HAVING count(*) > 0
      ON CONFLICT (bucket) DO UPDATE SET counted = counted + excluded.counted,
        first_event = min(coalesce(first_event, excluded.first_event), coalesce(excluded.first_event, first_event)),
        last_event = max(coalesce(last_event, excluded.last_event), coalesce(excluded.last_event, last_event))`),
    dropGroups: db.prepare(`DELETE FROM ${from.groups} WHERE bucket >= ? AND bucket < ?`),
    dropBuckets: db.prepare(`DELETE FROM ${from.buckets} WHERE bucket >= ? AND bucket < ?`),
    oldest: db.prepare(`SELECT min(bucket) AS b FROM ${from.buckets} WHERE bucket >= ? AND bucket <> ?`),
  };
}
