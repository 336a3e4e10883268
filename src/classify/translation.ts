/**
 * Ids of one id space (a classifier's own dictionary, a scanner's interner) as ids of the
 * dictionaries a run counts into, cached. A record is counted in at most two rollups (the report's
 * and the verdict windows'), so two target dictionaries are kept, the last one first.
 */
import type { Dictionary } from '../util/dictionary.js';

export class Translation {
  private dict: Dictionary | null = null;
  private ids: number[] = [];
  private dict2: Dictionary | null = null;
  private ids2: number[] = [];

  /** Id in `dict` of source id `id`, whose value is `value`. */
  id(dict: Dictionary, id: number, value: string): number {
    if (dict !== this.dict) this.swap(dict);
    let out = this.ids[id];
    if (out === undefined) {
      out = dict.id(value);
      this.ids[id] = out;
    }
    return out;
  }

  /** Forget every translation (the source ids now mean other values). */
  clear(): void {
    this.dict = this.dict2 = null;
    this.ids = [];
    this.ids2 = [];
  }

  private swap(dict: Dictionary): void {
    const other = this.dict;
    const otherIds = this.ids;
    this.ids = dict === this.dict2 ? this.ids2 : [];
    this.dict = dict;
    this.dict2 = other;
    this.ids2 = otherIds;
  }
}
