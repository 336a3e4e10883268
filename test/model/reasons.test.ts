import { describe, expect, it } from 'vitest';
import { reasonsOf, topIsps, topReasons } from '../../src/model/reasons.js';
import { labelValue } from '../../src/render/prometheus.js';
import { BOUNCED, DEFERRED, DELIVERED } from '../../src/rollup/counters.js';
import { Rollup } from '../../src/rollup/rollup.js';

/** A rollup keyed like the nightly report's (hour buckets) with the given records. */
function rollup(dims: string[], records: [bucket: number, values: string[], counter: number, hard?: boolean][]): Rollup {
  const r = new Rollup(dims);
  for (const [bucket, values, counter, hard] of records) {
    r.key[0] = r.bucketId(bucket);
    values.forEach((v, i) => {
      r.key[i + 1] = r.dicts[i].id(v);
    });
    r.count(r.group(), counter, hard === true, 0);
  }
  return r;
}

describe('reasons', () => {
  it('are bounce categories with the ISPs that gave them, over all buckets', () => {
    const r = rollup(
      ['isp', 'ip', 'bounceCat'],
      [
        [0, ['gmail', 'a', 'policy-related'], DEFERRED],
        [3600, ['gmail', 'b', 'policy-related'], DEFERRED],
        [0, ['yahoo', 'a', 'policy-related'], DEFERRED],
        [0, ['yahoo', 'a', 'bad-mailbox'], BOUNCED, true],
        [0, ['gmail', 'a', ''], DELIVERED],
      ],
    );
    const reasons = reasonsOf(r) ?? [];
    expect(reasons.map((x) => [x.bounceCat, x.diag, x.counts.deferred, x.counts.bounced])).toEqual([
      ['policy-related', null, 3, 0],
      ['bad-mailbox', null, 0, 1],
    ]);
    expect(topIsps(reasons[0], 'deferred', 3)).toEqual([
      { isp: 'gmail', bounced: 0, deferred: 2 },
      { isp: 'yahoo', bounced: 0, deferred: 1 },
    ]);
    expect(topReasons(reasons, 'bounced', 5).map((x) => x.bounceCat)).toEqual(['bad-mailbox']);
    expect(reasons[1].counts.hardBounced).toBe(1);
  });

  it('take the diag template into the reason as soon as the rollup is keyed by it', () => {
    const r = rollup(
      ['isp', 'bounceCat', 'diag'],
      [
        [0, ['gmail', 'policy-related', '421 4.7.28 [{ip}] unusual rate of unsolicited mail'], DEFERRED],
        [0, ['gmail', 'policy-related', '421 4.7.28 [{ip}] unusual rate of unsolicited mail'], DEFERRED],
        [0, ['gmail', 'policy-related', '550 5.7.1 [{ip}] blocked'], BOUNCED],
      ],
    );
    const reasons = reasonsOf(r) ?? [];
    expect(reasons.map((x) => [x.diag, x.counts.deferred, x.counts.bounced])).toEqual([
      ['421 4.7.28 [{ip}] unusual rate of unsolicited mail', 2, 0],
      ['550 5.7.1 [{ip}] blocked', 0, 1],
    ]);
  });

  it('need bounceCat', () => {
    expect(reasonsOf(new Rollup(['isp']))).toBeNull();
  });
});

describe('Prometheus label values', () => {
  it('escape backslash, double quote and line feed', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
});
