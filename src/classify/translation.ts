/**
 * Ids of one id space (a classifier's own dictionary, a scanner's interner) as ids of the
 * dictionaries a run counts into, cached. A record is counted in at most two rollups (the report's
 * and the verdict windows'), so two target dictionaries are kept, the last one first.
 *
 * The cache is an Int32Array (UNSET where not translated yet), whose kind never changes: a plain
 * array written past its end (a hole) made the optimised per-record code bail out ("wrong map" as
 * the array's elements kind changed) and be compiled again, in every thread (bench/RESULTS.md,
 * seventh pass). A read past its end (a new id) is seen by a thread's first records, before V8
 * optimises the code, since each thread warms up first (engine/warm-up.ts).
 */
import type { Dictionary } from '../util/dictionary.js';
import { grownTo } from '../util/grow.js';

const UNSET = -1;
/** Source ids a fresh cache holds before it grows: the ISPs and sending IPs of a typical day. */
const ROOM = 1024;

function fresh(): Int32Array<ArrayBuffer> {
  return new Int32Array(ROOM).fill(UNSET);
}

export class Translation {
  private dict: Dictionary | null = null;
  private ids = fresh();
  private dict2: Dictionary | null = null;
  private ids2 = fresh();

  /** Id in `dict` of source id `id`, whose value is `value`. */
  id(dict: Dictionary, id: number, value: string): number {
    if (dict !== this.dict) this.swap(dict);
    // Read past the end when the id is new and beyond the room (undefined): no length test per
    // record, which in V8's interpreter, where a small run's code stays, costs a property load.
    const out = this.ids[id];
    return out === undefined || out === UNSET ? this.add(dict, id, value) : out;
  }

  /** Forget every translation (the source ids now mean other values). */
  clear(): void {
    this.dict = this.dict2 = null;
    this.ids.fill(UNSET);
    this.ids2.fill(UNSET);
  }

  private add(dict: Dictionary, id: number, value: string): number {
    if (id >= this.ids.length) this.ids = grownTo(this.ids, id, UNSET);
    const out = dict.id(value);
    this.ids[id] = out;
    return out;
  }

  private swap(dict: Dictionary): void {
    const other = this.dict;
    const otherIds = this.ids;
    this.ids = this.ids2;
    if (dict !== this.dict2) this.ids.fill(UNSET);
    this.dict = dict;
    this.dict2 = other;
    this.ids2 = otherIds;
  }
}
