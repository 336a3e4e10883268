import { describe, expect, it } from 'vitest';
import { decodeDay, encodeDay, type DaySummary } from '../../src/history/day-file.js';
import { PmtaAcctError } from '../../src/errors.js';
import { COUNTER_NAMES, DELIVERED, BOUNCED } from '../../src/rollup/counters.js';
import { NO_BUCKET, Rollup } from '../../src/rollup/rollup.js';
import { tableOf, totalOf } from '../../src/model/rows.js';

function rollup(dim: string, rows: [string, number, number, number[]][]): Rollup {
  const r = new Rollup([dim]);
  for (const [key, delivered, bounced, latencies] of rows) {
    r.key[0] = r.bucketId(NO_BUCKET);
    r.key[1] = r.dicts[0].id(key);
    const g = r.group();
    for (let i = 0; i < delivered; i++) r.count(g, DELIVERED, false, 1000);
    for (let i = 0; i < bounced; i++) r.count(g, BOUNCED, i % 2 === 0, 0);
    for (const s of latencies) r.latency(g, s);
  }
  return r;
}

const since = Date.UTC(2026, 10, 28, 5) / 1000;
const day: DaySummary = {
  day: '2026-11-28',
  tz: 'America/New_York',
  since,
  until: since + 86400,
  input: { files: 4, records: 6000, badRecords: 1 },
  isp: rollup('isp', [
    ['gmail', 10, 3, [1, 2, 3, 700, 90000]],
    ['yahoo', 4, 0, []],
  ]),
  ip: rollup('ip', [['203.0.113.5', 14, 3, [1, 2, 3, 700, 90000]]]),
  incidents: { count: 3, crit: 1, seconds: 9300 },
};

describe('daily summary file', () => {
  it('round-trips counters and latency histograms exactly', () => {
    const text = encodeDay(day);
    const back = decodeDay(text, 'x.json');
    expect(back.day).toBe('2026-11-28');
    expect(back.since).toBe(since);
    expect(back.until).toBe(since + 86400);
    expect(back.input).toEqual(day.input);
    expect(tableOf(back.isp, ['isp'])).toEqual(tableOf(day.isp, ['isp']));
    expect(totalOf(back.ip)).toEqual(totalOf(day.ip));
    expect(back.incidents).toEqual({ count: 3, crit: 1, seconds: 9300 });
    expect(encodeDay(back)).toBe(text);
  });

  it('reads a file saved without incidents (older, or --no-verdicts) as not knowing them', () => {
    const doc = JSON.parse(encodeDay({ ...day, incidents: null })) as Record<string, unknown>;
    expect(doc.incidents).toBeUndefined();
    expect(decodeDay(JSON.stringify(doc), 'x.json').incidents).toBeNull();
    expect(() => decodeDay(JSON.stringify({ ...doc, incidents: { count: -1, crit: 0, seconds: 0 } }), 'x.json')).toThrow(
      /x\.json: incidents\.count: expected a whole number/,
    );
  });

  it('is small and versioned', () => {
    const doc = JSON.parse(encodeDay(day)) as Record<string, unknown>;
    expect(doc.format).toBe('pmta-acct-day');
    expect(doc.version).toBe(1);
    expect(doc.since).toBe('2026-11-28T00:00:00-05:00');
    expect(doc.counters).toEqual([...COUNTER_NAMES]);
    expect(encodeDay(day).length).toBeLessThan(1000);
  });

  it('reads counters by name: an unknown counter from a later version is ignored', () => {
    const doc = JSON.parse(encodeDay(day)) as { counters: string[]; isp: { counts: number[] }[]; ip: { counts: number[] }[] };
    doc.counters.push('somethingNew');
    for (const g of [...doc.isp, ...doc.ip]) g.counts.push(7);
    const back = decodeDay(JSON.stringify(doc), 'x.json');
    expect(totalOf(back.isp).counts.delivered).toBe(14);
  });

  it('names the file and the field of what does not validate', () => {
    const bad = (mutate: (d: Record<string, unknown>) => void) => {
      const doc = JSON.parse(encodeDay(day)) as Record<string, unknown>;
      mutate(doc);
      return () => decodeDay(JSON.stringify(doc), '/h/2026-11-28.json');
    };
    expect(
      bad((d) => {
        d.version = 2;
      }),
    ).toThrow(/\/h\/2026-11-28\.json: version: version 2 is not supported/);
    expect(
      bad((d) => {
        (d.isp as { counts: unknown[] }[])[0].counts[0] = -1;
      }),
    ).toThrow(/isp\[0\]\.counts\[0\]: expected a whole number/);
    expect(
      bad((d) => {
        (d.isp as { latency: unknown[] }[])[0].latency = [[999, 1]];
      }),
    ).toThrow(/isp\[0\]\.latency\[0\]\[0\]: bin 999 is out of range/);
    expect(
      bad((d) => {
        d.since = 'yesterday-ish';
      }),
    ).toThrow(/since: expected an ISO 8601 time/);
    expect(() => decodeDay('{', 'f.json')).toThrow(PmtaAcctError);
  });
});
