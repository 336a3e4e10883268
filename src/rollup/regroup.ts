/**
 * Every view of a rollup (per-ISP table, per-IP table, the time series, coarser buckets, a verdict
 * window) is a regrouping of the one rollup: keep some dimensions, map bucket starts, add. Exact by
 * construction.
 */
import { NO_BUCKET, Rollup } from './rollup.js';

/**
 * A rollup keyed by `dims` (a subset of src's) and by `bucketOf(start)` (null: no buckets). With
 * `keep`, only groups whose bucket start passes it are added (groups without a bucket never do).
 * With `into`, the groups are added to that rollup (keyed by `dims`), not to a new one.
 */
export function regroup(
  src: Rollup,
  dims: readonly string[],
  bucketOf: ((start: number) => number) | null,
  keep?: (start: number) => boolean,
  into?: Rollup,
): Rollup {
  const from = dims.map((d) => {
    const i = src.dims.indexOf(d);
    if (i < 0) throw new Error(`regroup: ${d} is not a dimension of this rollup (${src.dims.join(',')})`);
    return i;
  });
  const out = into ?? new Rollup(dims, Math.max(16, Math.min(src.size, 1 << 16)));
  const key = out.key;
  // src's value ids → out's, looked up once per value rather than once per group
  const ids = from.map((d) => new Int32Array(src.dicts[d].size).fill(-1));
  for (let g = 0; g < src.size; g++) {
    const start = src.bucketOf(g);
    if (keep !== undefined && (Number.isNaN(start) || !keep(start))) continue;
    key[0] = out.bucketId(bucketOf === null || Number.isNaN(start) ? NO_BUCKET : bucketOf(start));
    for (let d = 0; d < from.length; d++) {
      const v = src.valueId(g, from[d]);
      let id = ids[d][v];
      if (id < 0) {
        id = out.dicts[d].id(src.dicts[from[d]].values[v]);
        ids[d][v] = id;
      }
      key[d + 1] = id;
    }
    out.addGroup(out.group(), src, g);
  }
  return out;
}

/**
 * The groups of `src` whose bucket starts at or after `from`: `src` itself when that is all of them
 * (a day's verdict buckets within a week's reach, say), else a regrouping.
 */
export function keepBucketsFrom(src: Rollup, from: number): Rollup {
  if (src.bucketStarts.every((s) => s >= from)) return src;
  return regroup(
    src,
    src.dims,
    (s) => s,
    (s) => s >= from,
  );
}
