/**
 * Open-addressing hash table from a tuple of `width` int32s to a dense index (0, 1, 2...), with
 * the tuples stored in one Int32Array: no string keys and no Map per record.
 */
export class KeyTable {
  readonly width: number;
  /** Tuples by index: keys[i * width .. (i + 1) * width). */
  keys: Int32Array;
  size = 0;
  private slots: Int32Array;
  private mask: number;

  constructor(width: number, capacity = 1024) {
    this.width = width;
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.keys = new Int32Array(Math.max(16, capacity) * width);
  }

  /** Empty again, keeping its room. */
  clear(): void {
    this.slots.fill(-1);
    this.size = 0;
  }

  private hash(key: Int32Array, at: number): number {
    let h = 0x811c9dc5 | 0;
    const w = this.width;
    for (let i = 0; i < w; i++) {
      h = Math.imul(h ^ key[at + i], 0x01000193);
      h ^= h >>> 15;
    }
    return h;
  }

  /** Index of `key` (its first `width` values), adding it when new. */
  indexOf(key: Int32Array): number {
    // the fields in locals: once per record, much of it in V8's interpreter, where each `this.x` is a property load
    const w = this.width;
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let slot = this.hash(key, 0) & mask;
    for (;;) {
      const idx = slots[slot];
      if (idx < 0) return this.add(key, slot);
      const at = idx * w;
      let same = true;
      for (let i = 0; i < w; i++) {
        if (keys[at + i] !== key[i]) {
          same = false;
          break;
        }
      }
      if (same) return idx;
      slot = (slot + 1) & mask;
    }
  }

  private add(key: Int32Array, slot: number): number {
    const idx = this.size++;
    const w = this.width;
    if ((idx + 1) * w > this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    for (let i = 0; i < w; i++) this.keys[idx * w + i] = key[i];
    this.slots[slot] = idx;
    if (this.size * 2 > this.slots.length) this.rehash();
    return idx;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let idx = 0; idx < this.size; idx++) {
      let slot = this.hash(this.keys, idx * this.width) & this.mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = idx;
    }
  }
}
