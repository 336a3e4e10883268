import { COUNTER_NAMES, STRIDE, type CounterName } from '../../src/rollup/counters.js';
import { Rollup } from '../../src/rollup/rollup.js';

export interface Add {
  /** Event time, epoch seconds. */
  readonly t: number;
  readonly key?: Readonly<Record<string, string>>;
  readonly counts: Partial<Record<CounterName, number>>;
}

/** A bucketed rollup (epoch-aligned buckets of `bucket` seconds) holding the given counts. */
export function rollupOf(dims: readonly string[], bucket: number, adds: readonly Add[]): Rollup {
  const r = new Rollup(dims);
  for (const a of adds) {
    r.key[0] = r.bucketId(a.t - (((a.t % bucket) + bucket) % bucket));
    dims.forEach((d, i) => {
      r.key[i + 1] = r.dicts[i].id(a.key?.[d] ?? '');
    });
    const g = r.group();
    for (const [name, n] of Object.entries(a.counts)) r.counters[g * STRIDE + COUNTER_NAMES.indexOf(name as CounterName)] += n ?? 0;
  }
  return r;
}

/** 2026-11-28T00:00:00Z plus h hours, m minutes, s seconds. */
export function at(h: number, m = 0, s = 0): number {
  return Date.UTC(2026, 10, 28, h, m, s) / 1000;
}
