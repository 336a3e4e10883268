/**
 * tail's exporter as Prometheus' increase() needs it: every series is scraped at 0 before it
 * carries a count (a counter's first sample is where increase() starts), whether it is new (an ISP,
 * an IP, a problem code) or there from the start but counted before the first scrape (records read,
 * bytes lost to a gap found when the state opened).
 */
import { describe, expect, it } from 'vitest';
import { TailMetrics } from '../../src/app/tail/metrics.js';
import type { RollupDelta } from '../../src/state/rollup-store.js';
import { parseExposition } from '../helpers/promtool.js';
import { at, rollupOf } from '../helpers/rollup.js';

const DIMS = ['isp', 'ip', 'vmta', 'pool'];

function delta(isp: string, delivered: number, records: number, problems: Record<string, number> = {}): RollupDelta {
  const rollup = rollupOf(DIMS, 300, [{ t: at(10), key: { isp, ip: '198.51.100.1', vmta: 'v1', pool: 'p1' }, counts: { delivered } }]);
  const totals = new Map<string, number>([
    ['records', records],
    ...Object.entries(problems).map(([c, n]): [string, number] => [`problem:${c}`, n]),
  ]);
  return { rollup, buckets: new Map(), totals, problems: [] };
}

async function scrape(m: TailMetrics): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of parseExposition(await m.text())) {
    if (s.name.startsWith('pmta_acct_delivery_latency')) continue;
    out.set(`${s.name}${Object.keys(s.labels).length === 0 ? '' : JSON.stringify(s.labels)}`, s.value);
  }
  return out;
}

describe('tail metrics', () => {
  it('shows a series at 0 first, then its count; later counts at once', async () => {
    const m = new TailMetrics(DIMS);
    m.lost(512);
    m.add(delta('gmail', 5, 7, { BAD_TIME: 2 }));
    m.add(delta('gmail', 3, 3));
    const gmail = 'pmta_acct_delivered_total{"isp":"gmail","source_ip":"198.51.100.1","vmta":"v1","pool":"p1"}';
    const yahoo = gmail.replace('gmail', 'yahoo');
    const first = await scrape(m);
    expect(first.get(gmail)).toBe(0);
    expect(first.get('pmta_acct_records_read_total')).toBe(0);
    expect(first.get('pmta_acct_data_gap_bytes_total')).toBe(0);
    expect(first.get('pmta_acct_bad_records_total{"code":"BAD_TIME"}')).toBe(0);
    expect(first.get('pmta_acct_commits_total')).toBe(0);
    const second = await scrape(m);
    expect(second.get(gmail)).toBe(8);
    expect(second.get('pmta_acct_records_read_total')).toBe(10);
    expect(second.get('pmta_acct_data_gap_bytes_total')).toBe(512);
    expect(second.get('pmta_acct_bad_records_total{"code":"BAD_TIME"}')).toBe(2);
    expect(second.get('pmta_acct_commits_total')).toBe(2);
    // a known series counts at once; a new one waits a scrape
    m.add(delta('gmail', 1, 1));
    m.add(delta('yahoo', 4, 4));
    m.lost(10);
    const third = await scrape(m);
    expect(third.get(gmail)).toBe(9);
    expect(third.get(yahoo)).toBe(0);
    expect(third.get('pmta_acct_records_read_total')).toBe(15);
    expect(third.get('pmta_acct_data_gap_bytes_total')).toBe(522);
    expect((await scrape(m)).get(yahoo)).toBe(4);
  });
});
