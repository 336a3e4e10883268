/**
 * Seeded randomness for the generator. Never Math.random: the same options must give byte-identical files.
 * mulberry32 is tiny, fast in V8 (two Math.imul per draw) and good enough for synthetic logs.
 */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DEC2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

export class Rng {
  private state = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    this.state = seed | 0;
  }

  /** Next uint32 (mulberry32 step). */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Approximately standard normal (Irwin-Hall of 4 uniforms): no transcendental functions, so cheap and portable. */
  normal(): number {
    return (this.float() + this.float() + this.float() + this.float() - 2) * 1.7320508075688772;
  }

  /** `n` lowercase hex digits, 8 per draw via a byte table (Number#toString(16) was 16 % of a profile). */
  hex(n: number): string {
    let s = '';
    while (s.length < n) {
      const x = this.u32();
      s += HEX2[x & 255] + HEX2[(x >>> 8) & 255] + HEX2[(x >>> 16) & 255] + HEX2[x >>> 24];
    }
    return s.length === n ? s : s.slice(0, n);
  }

  /** `n` decimal digits, 8 per draw (the small modulo bias is irrelevant here). */
  digits(n: number): string {
    let s = '';
    while (s.length < n) {
      const x = this.u32();
      s += DEC2[x % 100] + DEC2[Math.floor(x / 100) % 100] + DEC2[Math.floor(x / 10_000) % 100] + DEC2[Math.floor(x / 1_000_000) % 100];
    }
    return s.length === n ? s : s.slice(0, n);
  }

  /** `n` characters drawn from `alphabet` (IDs inside provider replies). */
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

export const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ALNUM_MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Independent stream seed for one second of the day, so any time slice can be generated on its own. */
export function streamSeed(seed: number, second: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A precomputed weighted choice: build once at setup, draw per row with one float and a short scan. */
export interface Weighted<T> {
  readonly items: readonly T[];
  /** Cumulative weights normalised to 1 (last entry is exactly 1). */
  readonly cum: Float64Array;
}

export function weighted<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
  if (pairs.length === 0) throw new Error('weighted(): no items');
  const total = pairs.reduce((sum, [, w]) => sum + w, 0);
  const cum = new Float64Array(pairs.length);
  let acc = 0;
  pairs.forEach(([, w], i) => {
    acc += w;
    cum[i] = acc / total;
  });
  cum[pairs.length - 1] = 1;
  return { items: pairs.map(([item]) => item), cum };
}

export function pick<T>(w: Weighted<T>, rng: Rng): T {
  const u = rng.float();
  const cum = w.cum;
  let i = 0;
  while (cum[i] <= u) i++;
  return w.items[i];
}

/** Uniform choice from a plain list. */
export function anyOf<T>(items: readonly T[], rng: Rng): T {
  return items[rng.int(items.length)];
}
