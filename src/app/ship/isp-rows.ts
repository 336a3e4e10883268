/**
 * The `isp_groups` rows of a round (schema 6, clickhouse/schema.ts): each bucket's `groups` rows of
 * the attempt's version (live and withdrawn) summed by ISP, the judged counters of the live rows,
 * `deleted = 1` for an ISP none of whose rows is live. A bucket's ISP rows are a complete copy of
 * that version, as its `groups` rows are: an ISP the version no longer has is absent from it, and a
 * bucket whose every row was withdrawn still has rows at its newest version.
 */
import { ISP_COUNTERS } from '../../clickhouse/schema.js';

export type Row = Record<string, string | number | readonly number[]>;

/** The ISP rows of one bucket's `groups` rows (all of one host, grain, bucket and version). */
export function ispRows(groups: readonly Row[]): Row[] {
  const byIsp = new Map<string, Row>();
  for (const g of groups) {
    const isp = String(g.isp);
    let out = byIsp.get(isp);
    if (out === undefined) {
      out = { host: g.host, grain: g.grain, bucket: g.bucket, version: g.version, isp, deleted: 1 };
      for (const n of ISP_COUNTERS) out[n] = 0;
      byIsp.set(isp, out);
    }
    if (g.deleted !== 0) continue;
    out.deleted = 0;
    for (const n of ISP_COUNTERS) out[n] = Number(out[n]) + Number(g[n]);
  }
  return [...byIsp.values()];
}
