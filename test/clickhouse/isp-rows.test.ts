import { describe, expect, it } from 'vitest';
import { ispRows, type Row } from '../../src/app/ship/isp-rows.js';
import { ISP_COUNTERS } from '../../src/clickhouse/schema.js';

function row(isp: string, delivered: number, deleted: number): Row {
  const r: Row = {
    host: 'h',
    grain: '5m',
    bucket: 300,
    version: 7,
    isp,
    ip: `10.0.0.${delivered}`,
    deleted,
    hist_bins: [1],
    hist_counts: [1],
  };
  for (const n of ISP_COUNTERS) r[n] = 0;
  r.delivered = delivered;
  r.softBounced = 1000;
  return r;
}

describe('isp_groups rows of a bucket', () => {
  it("sum the live rows' judged counters by ISP, and mark an ISP without live rows deleted", () => {
    const out = ispRows([row('gmail', 2, 0), row('gmail', 3, 0), row('gmail', 50, 1), row('yahoo', 9, 1), row('', 4, 0)]);
    expect(out.map((r) => [r.isp, r.delivered, r.deleted, r.version, r.bucket])).toEqual([
      ['gmail', 5, 0, 7, 300],
      ['yahoo', 0, 1, 7, 300],
      ['', 4, 0, 7, 300],
    ]);
    // only the judged counters, no histogram, no other dimension
    expect(Object.keys(out[0]).sort()).toEqual(['bucket', 'deleted', 'grain', 'host', 'isp', 'version', ...ISP_COUNTERS].sort());
  });
});
