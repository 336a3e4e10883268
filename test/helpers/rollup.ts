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

/** A group of rollupOfSpecs: its key's values, bucket, counters and latencies. */
export interface GroupSpec {
  readonly values: readonly string[];
  /** Hours after 2025-11-28T00:00Z; null: no bucket. */
  readonly bucket: number | null;
  /** STRIDE counters, in counters.ts order. */
  readonly counts: readonly number[];
  /** Latencies, seconds. */
  readonly latencies: readonly number[];
}

/** A rollup of whole groups, for property tests of what reads rollups (a second of the same key and bucket adds to the first). */
export function rollupOfSpecs(dims: readonly string[], groups: readonly GroupSpec[]): Rollup {
  const r = new Rollup(dims, 4);
  for (const g of groups) {
    r.key[0] = r.bucketId(g.bucket === null ? Number.NaN : 1_764_288_000 + g.bucket * 3600);
    for (let d = 0; d < dims.length; d++) r.key[d + 1] = r.dicts[d].id(g.values[d]);
    const at = r.group();
    r.addCounts(at, g.counts, 0);
    for (const s of g.latencies) r.latency(at, s);
  }
  return r;
}
