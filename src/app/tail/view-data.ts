/**
 * What the live view shows, read from the state: the latest bucket with events and the one
 * before it, regrouped by the key the user picked.
 */
import { makeBucketing } from '../../rollup/buckets.js';
import { regroup } from '../../rollup/regroup.js';
import { rowsOf, volume, type GroupRow } from '../../model/rows.js';
import { viewKey, type LiveData, type LiveRow, type ViewMode } from '../../render/live-view.js';
import { stateTiers, UNTIMED_BUCKET, type Db, type StateConfig } from '../../state/state-db.js';
import { readRollup, tierPiece } from '../../state/stored-read.js';

export function latestBucket(db: Db): number | null {
  const r = db.prepare('SELECT max(bucket) AS b FROM buckets WHERE bucket <> ?').get(UNTIMED_BUCKET) as { b: number | null };
  return r.b;
}

export function viewData(db: Db, config: StateConfig, mode: ViewMode): LiveData {
  const bucketing = makeBucketing(config.bucket, config.tz);
  const current = latestBucket(db);
  const previous = current === null ? null : bucketing.start(current - 1);
  const available = config.dims.includes(mode);
  const empty: LiveRow = { key: 'Total', cur: null, prev: null };
  if (current === null || previous === null) {
    return { mode, available, bucketSize: config.bucket, tz: config.tz, current, previous, rows: [], total: empty };
  }
  // The live view shows the newest buckets: tier 0's, read by the one key shown.
  const stored = readRollup(db, config, [tierPiece(stateTiers(config)[0], { since: previous, until: bucketing.next(current) })], {
    dims: available ? [mode] : [],
    bucketOf: (s) => s,
    hist: true,
  });
  const byKey = new Map<string, { cur: GroupRow | null; prev: GroupRow | null }>();
  const totals = { cur: null as GroupRow | null, prev: null as GroupRow | null };
  for (const row of rowsOf(regroup(stored, [], (s) => s))) {
    if (row.bucket === current) totals.cur = row;
    else if (row.bucket === previous) totals.prev = row;
  }
  if (available) {
    for (const row of rowsOf(stored)) {
      const key = row.key[mode] ?? '';
      const entry = byKey.get(key) ?? { cur: null, prev: null };
      if (row.bucket === current) entry.cur = row;
      else if (row.bucket === previous) entry.prev = row;
      byKey.set(key, entry);
    }
  }
  const rows: LiveRow[] = [...byKey.entries()]
    .map(([key, e]) => ({
      key: viewKey(key),
      cur: e.cur,
      prev: e.prev,
      size: e.cur === null ? 0 : volume(e.cur.counts),
      psize: e.prev === null ? 0 : volume(e.prev.counts),
    }))
    .sort((a, b) => b.size - a.size || b.psize - a.psize || (a.key < b.key ? -1 : 1))
    .map(({ key, cur, prev }) => ({ key, cur, prev }));
  return { mode, available, bucketSize: config.bucket, tz: config.tz, current, previous, rows, total: { key: 'Total', ...totals } };
}
