/**
 * The one rollup: counters per (time bucket, dimension values), in one fixed shape, plus a latency
 * histogram per group. Keys are integer tuples (bucket id, then one dictionary id per dimension),
 * so a record costs one hash probe. Rollups merge exactly and associatively (files, workers, hosts,
 * the stored state of `tail`), and memory grows with the number of keys, never with the input.
 */
import { Dictionary } from '../util/dictionary.js';
import { KeyTable } from './key-table.js';
import { BINS, binOf } from './latency.js';
import { BOUNCED, DELIVERED, DELIVERED_BYTES, HARD_BOUNCED, SOFT_BOUNCED, STRIDE } from './counters.js';

/** The bucket value of a rollup without time buckets, and of records without a time column. */
export const NO_BUCKET = Number.NaN;

/** What a serialized rollup carries between threads, processes and the state database. */
export interface RollupData {
  readonly dims: readonly string[];
  readonly values: readonly (readonly string[])[];
  /** Bucket start (epoch seconds) by bucket id; null for NO_BUCKET. */
  readonly buckets: readonly (number | null)[];
  readonly groups: number;
  readonly keys: Int32Array;
  readonly counters: Float64Array;
  readonly histSlots: Int32Array;
  readonly hist: Uint32Array;
}

export class Rollup {
  readonly dims: readonly string[];
  readonly dicts: Dictionary[];
  /** Key under construction: [bucketId, id per dim]. Callers fill it, then call `group()`. */
  readonly key: Int32Array;
  counters: Float64Array;
  hist: Uint32Array;
  /** Histogram slot of each group, -1 until the group has a latency. */
  histSlots: Int32Array;
  private histUsed = 0;
  private readonly table: KeyTable;
  private readonly bucketIds = new Map<number, number>();
  /** Bucket start by bucket id (NaN = no bucket). */
  readonly bucketStarts: number[] = [];
  private lastBucket = Number.NaN;
  private lastBucketId = -1;

  constructor(dims: readonly string[], capacity = 256) {
    this.dims = [...dims];
    this.dicts = dims.map(() => new Dictionary());
    this.key = new Int32Array(dims.length + 1);
    this.table = new KeyTable(dims.length + 1, capacity);
    this.counters = new Float64Array(capacity * STRIDE);
    this.histSlots = new Int32Array(capacity).fill(-1);
    this.hist = new Uint32Array(16 * BINS);
  }

  get size(): number {
    return this.table.size;
  }

  /**
   * Empty again, keeping its dictionaries and its room: `tail` counts every commit's delta into the
   * same arrays instead of growing new ones (megabytes of histograms) each second.
   */
  clear(): void {
    const groups = this.table.size;
    this.counters.fill(0, 0, groups * STRIDE);
    this.histSlots.fill(-1, 0, groups);
    this.hist.fill(0, 0, this.histUsed * BINS);
    this.histUsed = 0;
    this.table.clear();
    this.bucketIds.clear();
    this.bucketStarts.length = 0;
    this.lastBucket = Number.NaN;
    this.lastBucketId = -1;
  }

  /** Id of a bucket start (NaN for none), for key[0]. */
  bucketId(start: number): number {
    if (start === this.lastBucket) return this.lastBucketId;
    const k = Number.isNaN(start) ? -1 : start;
    let id = this.bucketIds.get(k);
    if (id === undefined) {
      id = this.bucketStarts.length;
      this.bucketIds.set(k, id);
      this.bucketStarts.push(start);
    }
    if (!Number.isNaN(start)) {
      this.lastBucket = start;
      this.lastBucketId = id;
    }
    return id;
  }

  /** The group of `key`, created (zeroed) when new. */
  group(): number {
    const g = this.table.indexOf(this.key);
    if ((g + 1) * STRIDE > this.counters.length) this.grow();
    return g;
  }

  private grow(): void {
    const cap = Math.max(this.table.size * 2, 16);
    const counters = new Float64Array(cap * STRIDE);
    counters.set(this.counters);
    this.counters = counters;
    const slots = new Int32Array(cap).fill(-1);
    slots.set(this.histSlots);
    this.histSlots = slots;
  }

  /** Record a latency (seconds) for group g. */
  latency(g: number, seconds: number): void {
    let slot = this.histSlots[g];
    if (slot < 0) slot = this.newHistSlot(g);
    this.hist[slot * BINS + binOf(seconds)]++;
  }

  private newHistSlot(g: number): number {
    const slot = this.histUsed++;
    if (this.histUsed * BINS > this.hist.length) {
      const grown = new Uint32Array(this.hist.length * 2);
      grown.set(this.hist);
      this.hist = grown;
    }
    this.histSlots[g] = slot;
    return slot;
  }

  /** Count one record of counter `counter` (and hard/soft for bounces) in group g. */
  count(g: number, counter: number, hard: boolean, bytes: number): void {
    const at = g * STRIDE;
    const c = this.counters;
    c[at + counter]++;
    if (counter === BOUNCED) c[at + (hard ? HARD_BOUNCED : SOFT_BOUNCED)]++;
    else if (counter === DELIVERED) c[at + DELIVERED_BYTES] += bytes;
  }

  /** Bucket start of group g (NaN = none). */
  bucketOf(g: number): number {
    return this.bucketStarts[this.table.keys[g * this.table.width]];
  }

  /** Bucket id of group g: an index into `bucketStarts`. */
  bucketIdOf(g: number): number {
    return this.table.keys[g * this.table.width];
  }

  /** Id (in dicts[d]) of dimension d's value in group g. */
  valueId(g: number, d: number): number {
    return this.table.keys[g * this.table.width + 1 + d];
  }

  /** Value of dimension d in group g. */
  valueOf(g: number, d: number): string {
    return this.dicts[d].values[this.table.keys[g * this.table.width + 1 + d]];
  }

  /** Add the counters src[at .. at + STRIDE) (in counters.ts order) to group g. */
  addCounts(g: number, src: ArrayLike<number>, at: number): void {
    const base = g * STRIDE;
    const c = this.counters;
    for (let i = 0; i < STRIDE; i++) c[base + i] += src[at + i];
  }

  /** Where group g's histogram bins start in `hist` (a histogram is made if it has none). */
  histBase(g: number): number {
    let slot = this.histSlots[g];
    if (slot < 0) slot = this.newHistSlot(g);
    return slot * BINS;
  }

  /** Add the numbers of group `from` of `src` (same shape) to group g. */
  addGroup(g: number, src: Rollup | RollupData, from: number): void {
    this.addArrays(g, src.counters, src.histSlots, src.hist, from);
  }

  /**
   * addGroup from the arrays themselves: a merge reads a rollup's own objects and ones posted from
   * another thread, whose shapes differ, and per group that made V8's optimised code bail out.
   */
  private addArrays(g: number, sc: Float64Array, histSlots: Int32Array, sh: Uint32Array, from: number): void {
    const at = g * STRIDE;
    const sat = from * STRIDE;
    const c = this.counters;
    for (let i = 0; i < STRIDE; i++) c[at + i] += sc[sat + i];
    const srcSlot = histSlots[from];
    if (srcSlot >= 0) {
      const base = this.histBase(g);
      const h = this.hist;
      const sbase = srcSlot * BINS;
      // most bins are empty (latencies cluster): skipping their stores is 40% faster
      for (let i = 0; i < BINS; i++) {
        const v = sh[sbase + i];
        if (v !== 0) h[base + i] += v;
      }
    }
  }

  /** Merge a rollup, or a serialized one, with the same dimensions into this one. */
  merge(src: RollupData | Rollup): void {
    const data = src instanceof Rollup ? src.view() : src;
    if (data.dims.join(',') !== this.dims.join(',')) {
      throw new Error(`cannot merge rollups by ${data.dims.join(',')} into ${this.dims.join(',')}`);
    }
    const width = this.dims.length + 1;
    const maps = data.values.map((vals, d) => vals.map((v) => this.dicts[d].id(v)));
    const bucketMap = data.buckets.map((b) => this.bucketId(b === null ? NO_BUCKET : b));
    const { keys, counters, histSlots, hist } = data;
    for (let g = 0; g < data.groups; g++) {
      this.key[0] = bucketMap[keys[g * width]];
      for (let d = 0; d < this.dims.length; d++) this.key[1 + d] = maps[d][keys[g * width + 1 + d]];
      this.addArrays(this.group(), counters, histSlots, hist, g);
    }
  }

  /**
   * This rollup as RollupData without copying: valid until it changes. The arrays are its own (with
   * room beyond `groups`): a rollup that is done can hand them to another thread (transferred, not
   * copied: each copy is fresh memory, which costs here in page faults).
   */
  view(): RollupData {
    const groups = this.table.size;
    return {
      dims: this.dims,
      values: this.dicts.map((d) => d.values),
      buckets: this.bucketStarts.map((b) => (Number.isNaN(b) ? null : b)),
      groups,
      keys: this.table.keys,
      counters: this.counters,
      histSlots: this.histSlots,
      hist: this.hist,
    };
  }

  /** A compact copy for postMessage (transferable buffers), the state database, or merge(). */
  toData(): RollupData {
    const groups = this.table.size;
    return {
      dims: [...this.dims],
      values: this.dicts.map((d) => [...d.values]),
      buckets: this.bucketStarts.map((b) => (Number.isNaN(b) ? null : b)),
      groups,
      keys: this.table.keys.slice(0, groups * this.table.width),
      counters: this.counters.slice(0, groups * STRIDE),
      histSlots: this.histSlots.slice(0, groups),
      hist: this.hist.slice(0, this.histUsed * BINS),
    };
  }

  static fromData(data: RollupData): Rollup {
    const r = new Rollup(data.dims, Math.max(16, data.groups));
    r.merge(data);
    return r;
  }
}
