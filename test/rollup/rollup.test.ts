import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DELIVERED, BOUNCED, STRIDE } from '../../src/rollup/counters.js';
import { regroup } from '../../src/rollup/regroup.js';
import { NO_BUCKET, Rollup } from '../../src/rollup/rollup.js';

type Event = [bucket: number, isp: string, ip: string, counter: number, hard: boolean, latency: number];

const event = fc.tuple(
  fc.constantFrom(0, 3600, 7200, NO_BUCKET),
  fc.constantFrom('gmail', 'yahoo', ''),
  fc.constantFrom('203.0.113.1', '203.0.113.2'),
  fc.constantFrom(DELIVERED, BOUNCED, 1, 6),
  fc.boolean(),
  fc.integer({ min: -1, max: 100_000 }),
) as fc.Arbitrary<Event>;

function build(events: readonly Event[]): Rollup {
  const r = new Rollup(['isp', 'ip'], 4);
  for (const [bucket, isp, ip, counter, hard, latency] of events) {
    r.key[0] = r.bucketId(bucket);
    r.key[1] = r.dicts[0].id(isp);
    r.key[2] = r.dicts[1].id(ip);
    const g = r.group();
    r.count(g, counter, hard, counter === DELIVERED ? 100 : 0);
    if (latency >= 0) r.latency(g, latency);
  }
  return r;
}

/** A canonical, id-independent view of a rollup. */
function canonical(r: Rollup): string[] {
  const out: string[] = [];
  for (let g = 0; g < r.size; g++) {
    const counts = Array.from(r.counters.subarray(g * STRIDE, (g + 1) * STRIDE)).join(',');
    const slot = r.histSlots[g];
    const hist = slot < 0 ? '' : Array.from(r.hist.subarray(slot * 176, (slot + 1) * 176)).join(',');
    out.push(`${r.bucketOf(g)}|${r.valueOf(g, 0)}|${r.valueOf(g, 1)}|${counts}|${hist}`);
  }
  return out.sort();
}

describe('Rollup', () => {
  it('merges exactly and associatively, whatever the split of the input', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (events, i, j) => {
        const [a, b] = [Math.min(i, j, events.length), Math.min(Math.max(i, j), events.length)];
        const whole = build(events);
        const left = build(events.slice(0, a));
        left.merge(build(events.slice(a, b)).toData());
        left.merge(build(events.slice(b)).toData());
        const right = build(events.slice(b));
        const mid = build(events.slice(a, b));
        mid.merge(right.toData());
        const first = build(events.slice(0, a));
        first.merge(mid.toData());
        expect(canonical(left)).toEqual(canonical(whole));
        expect(canonical(first)).toEqual(canonical(whole));
        expect(canonical(Rollup.fromData(whole.toData()))).toEqual(canonical(whole));
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('merges rollups of a thousand groups and more, overlapping or not, exactly (the key table rehashes, the arrays grow)', () => {
    // Two hours of 400 IPs each, the second half of the first hour also in the second rollup:
    // the merge grows the key table, the counters and the histograms past their room.
    const events = (from: number, to: number, hour: number): Event[] =>
      Array.from(
        { length: to - from },
        (_, i) => [hour * 3600, `isp${(from + i) % 7}`, `10.0.${from + i}`, DELIVERED, false, from + i] as Event,
      );
    const a = [...events(0, 400, 0), ...events(0, 400, 1)];
    const b = [...events(200, 600, 1), ...events(0, 300, 2)];
    const merged = build(a);
    merged.merge(build(b).toData());
    expect(merged.size).toBe(400 + 600 + 300);
    expect(canonical(merged)).toEqual(canonical(build([...a, ...b])));
    // and into an empty rollup, the way a run merges a worker's first result
    const fresh = new Rollup(['isp', 'ip'], 4);
    fresh.merge(build(b).toData());
    expect(canonical(fresh)).toEqual(canonical(build(b)));
  });

  it('regroups exactly: totals by isp equal the sum of the (isp, ip) groups', () => {
    const r = build([
      [0, 'gmail', 'a', DELIVERED, false, 1],
      [0, 'gmail', 'b', DELIVERED, false, 2],
      [3600, 'gmail', 'a', BOUNCED, true, -1],
      [0, 'yahoo', 'a', DELIVERED, false, 3],
    ]);
    const byIsp = regroup(r, ['isp'], null);
    const rows = new Map<string, number[]>();
    for (let g = 0; g < byIsp.size; g++) rows.set(byIsp.valueOf(g, 0), Array.from(byIsp.counters.subarray(g * STRIDE, g * STRIDE + 6)));
    expect(rows.get('gmail')).toEqual([2, 0, 0, 1, 1, 0]);
    expect(rows.get('yahoo')).toEqual([1, 0, 0, 0, 0, 0]);
    expect(() => regroup(r, ['vmta'], null)).toThrow(/not a dimension/);
  });
});
