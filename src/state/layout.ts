/**
 * Which tier answers which part of a time range. Since schema 3 every tier is written at every
 * commit (state/rollup-store.ts), so each tier holds every record from its floor on (meta
 * `floor:<grain>`: the bucket start below which its rows have been deleted as they aged, or minus
 * infinity); floors only rise, and a coarser tier's is never above a finer one's. A read asks for a
 * range and the coarsest grain it may use, and gets pieces that cover the range once: where the
 * finest tier still holds the time, the whole coarse buckets inside the range come from the coarse
 * tier (an hour is one row instead of twelve) and only the partial buckets at each edge from the
 * finer one; where only a coarser tier holds the time, that tier (the base layout, what `--bucket`
 * checks against).
 *
 * A schema 1 or 2 state (read before a tail has migrated it) keeps each bucket in one tier: its
 * pieces are every tier over the whole range.
 */
import { stateTiers, type Db, type StateConfig } from './state-db.js';
import { floorKey, tiersWritten, type Tier } from './tiers.js';

export interface Layout {
  readonly tiers: readonly Tier[];
  /** Per tier, the bucket start from which it holds every record; null: schema 1-2 (one tier per bucket). */
  readonly floors: readonly number[] | null;
  /** Tiers written at every commit (state/tiers.ts): only they answer for a finer tier's time. */
  readonly written: number;
}

/** Rows of one tier with a bucket start in [since, until) (minus/plus infinity: open), or its records without a time. */
export interface Piece {
  readonly tier: Tier;
  readonly since: number;
  readonly until: number;
  readonly untimed: boolean;
}

/** The floors a schema-3 state stored (minus infinity for a tier that has dropped nothing yet). */
export function readFloors(db: Db, tiers: readonly Tier[]): number[] {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  return tiers.map((t) => {
    const v = get.get(floorKey(t)) as string | undefined;
    return v === undefined ? Number.NEGATIVE_INFINITY : Number(v);
  });
}

/** How the state open in `db` keeps its tiers (read inside the read's transaction: tail raises floors as it commits). */
export function stateLayout(db: Db, config: StateConfig): Layout {
  const tiers = stateTiers(config);
  const schema = Number(db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get());
  return { tiers, floors: schema >= 3 ? readFloors(db, tiers) : null, written: tiersWritten(tiers) };
}

/** The first start of tier's buckets at or after x. */
function ceilTo(tier: Tier, x: number): number {
  if (!Number.isFinite(x)) return x;
  const s = tier.bucketing.start(x);
  return s === x ? x : tier.bucketing.next(s);
}

function floorTo(tier: Tier, x: number): number {
  return Number.isFinite(x) ? tier.bucketing.start(x) : x;
}

/**
 * The pieces of `range` (null: everything, records without a time included), using tiers up to
 * index `coarsest` where a finer tier also holds the time (0: the base layout only).
 */
export function piecesOf(layout: Layout, range: { since: number | null; until: number | null } | null, coarsest: number): Piece[] {
  const { tiers, floors } = layout;
  const since = range?.since ?? Number.NEGATIVE_INFINITY;
  const until = range?.until ?? Number.POSITIVE_INFINITY;
  const out: Piece[] = [];
  if (range === null) out.push({ tier: tiers[0], since: 0, until: 0, untimed: true });
  if (floors === null) {
    for (const tier of tiers) out.push({ tier, since, until, untimed: false });
    return out;
  }
  const top = Math.min(coarsest, layout.written - 1);
  // [a, b) inside tier k's time: whole buckets of the coarsest tier that fit, the edges finer.
  const cover = (k: number, a: number, b: number, from: number): void => {
    if (!(a < b)) return;
    for (let j = from; j > k; j--) {
      const lo = Math.max(ceilTo(tiers[j], a), ceilTo(tiers[j], floors[j]));
      const hi = floorTo(tiers[j], b);
      if (lo < hi) {
        cover(k, a, lo, j - 1);
        out.push({ tier: tiers[j], since: lo, until: hi, untimed: false });
        cover(k, hi, b, j - 1);
        return;
      }
    }
    out.push({ tier: tiers[k], since: a, until: b, untimed: false });
  };
  // Oldest first: the coarsest tier's own time, then each finer one's.
  for (let i = tiers.length - 1; i >= 0; i--) {
    const lo = Math.max(since, floors[i]);
    const hi = Math.min(until, i === 0 ? Number.POSITIVE_INFINITY : floors[i - 1]);
    cover(i, lo, hi, top);
  }
  return out;
}
