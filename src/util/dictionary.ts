/**
 * Interns values to small integer ids (0, 1, 2...) so that group keys are integer tuples.
 *
 * Values usually come straight from the input bytes: `idOfBytes` hashes and compares the bytes in
 * place, so a record whose IP or domain was seen before costs no string, no lowercasing and no Map
 * lookup (about 30 ns instead of about 120 ns on this project's machine; bench "report, 1 thread").
 * The string path (`id`) serves merges and derived values; both paths agree on ids.
 */

const EMPTY = -1;

export class Dictionary {
  readonly values: string[] = [];
  private readonly byString = new Map<string, number>();
  // byte-keyed open-addressing table: slot → entry; entry → (hash, bytes in pool, id)
  private slots = new Int32Array(64).fill(EMPTY);
  private mask = 63;
  private hashes = new Int32Array(32);
  private starts = new Int32Array(32);
  private lengths = new Int32Array(32);
  private ids = new Int32Array(32);
  private entries = 0;
  private pool = new Uint8Array(1024);
  private poolUsed = 0;

  get size(): number {
    return this.values.length;
  }

  /** Id of a string value. */
  id(value: string): number {
    let id = this.byString.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.byString.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  /** Id of the value held in src[a..b) as UTF-8; with `lower`, ASCII letters fold to lower case. */
  idOfBytes(src: Uint8Array, a: number, b: number, lower: boolean): number {
    let h = 0x811c9dc5 | 0;
    if (lower) {
      for (let i = a; i < b; i++) {
        let c = src[i];
        if (c >= 65 && c <= 90) c |= 32;
        h = Math.imul(h ^ c, 0x01000193);
      }
    } else {
      for (let i = a; i < b; i++) h = Math.imul(h ^ src[i], 0x01000193);
    }
    const len = b - a;
    const pool = this.pool;
    let slot = h & this.mask;
    for (;;) {
      const e = this.slots[slot];
      if (e === EMPTY) break;
      if (this.hashes[e] === h && this.lengths[e] === len) {
        const at = this.starts[e];
        let same = true;
        if (lower) {
          for (let i = 0; i < len; i++) {
            let c = src[a + i];
            if (c >= 65 && c <= 90) c |= 32;
            if (pool[at + i] !== c) {
              same = false;
              break;
            }
          }
        } else {
          for (let i = 0; i < len; i++) {
            if (pool[at + i] !== src[a + i]) {
              same = false;
              break;
            }
          }
        }
        if (same) return this.ids[e];
      }
      slot = (slot + 1) & this.mask;
    }
    return this.addBytes(src, a, b, lower, h, slot);
  }

  private addBytes(src: Uint8Array, a: number, b: number, lower: boolean, h: number, slot: number): number {
    const text = Buffer.from(src.buffer, src.byteOffset + a, b - a).toString('utf8');
    const id = this.id(lower ? text.toLowerCase() : text);
    const len = b - a;
    if (this.poolUsed + len > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      grown.set(this.pool);
      this.pool = grown;
    }
    const at = this.poolUsed;
    for (let i = 0; i < len; i++) {
      let c = src[a + i];
      if (lower && c >= 65 && c <= 90) c |= 32;
      this.pool[at + i] = c;
    }
    this.poolUsed += len;
    const e = this.entries++;
    if (e >= this.hashes.length) this.growEntries();
    this.hashes[e] = h;
    this.starts[e] = at;
    this.lengths[e] = len;
    this.ids[e] = id;
    this.slots[slot] = e;
    if (this.entries * 2 > this.slots.length) this.rehash();
    return id;
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const grow = (a: Int32Array) => {
      const g = new Int32Array(n);
      g.set(a);
      return g;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.ids = grow(this.ids);
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let e = 0; e < this.entries; e++) {
      let slot = this.hashes[e] & this.mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
    }
  }
}
