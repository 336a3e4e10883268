/**
 * Delivery latency (timeLogged - timeQueued, whole seconds) in a log-linear histogram: exact below
 * 16 s, then 8 bins per power of two (each bin at most 12.5% wide, so a percentile read at the
 * bin's middle is within 6.25%), up to 2^24 s (194 days). Fixed bins make merging exact: add.
 */
export const EXACT = 16;
export const SUB = 8;
const MAX_EXP = 23;
export const BINS = EXACT + (MAX_EXP - 3) * SUB;

export function binOf(seconds: number): number {
  if (seconds < EXACT) return seconds < 0 ? 0 : seconds | 0;
  if (seconds >= 2 ** (MAX_EXP + 1)) return BINS - 1;
  const v = Math.floor(seconds);
  const e = 31 - Math.clz32(v);
  return EXACT + (e - 4) * SUB + ((v >>> (e - 3)) & (SUB - 1));
}

/** Lowest value of bin i and its width. */
export function binRange(i: number): [low: number, width: number] {
  if (i < EXACT) return [i, 1];
  const e = 4 + Math.floor((i - EXACT) / SUB);
  const sub = (i - EXACT) % SUB;
  const width = 2 ** (e - 3);
  return [(SUB + sub) * width, width];
}

/** Nearest-rank percentile q in (0, 1] of hist[at .. at+BINS), or null when empty. */
export function percentile(hist: Uint32Array, at: number, q: number): number | null {
  let total = 0;
  for (let i = 0; i < BINS; i++) total += hist[at + i];
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += hist[at + i];
    if (seen >= rank) {
      const [low, width] = binRange(i);
      return width === 1 ? low : Math.round(low + width / 2);
    }
  }
  return null;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

export function summarize(hist: Uint32Array | undefined, at: number): LatencySummary {
  if (hist === undefined || at < 0) return { count: 0, p50: null, p90: null, p99: null };
  let count = 0;
  for (let i = 0; i < BINS; i++) count += hist[at + i];
  if (count === 0) return { count, p50: null, p90: null, p99: null };
  // the three nearest ranks in one pass (percentile() reads the histogram twice per rank)
  const ranks = [0.5, 0.9, 0.99].map((q) => Math.max(1, Math.ceil(q * count)));
  const found: (number | null)[] = [null, null, null];
  let seen = 0;
  let r = 0;
  for (let i = 0; i < BINS && r < 3; i++) {
    seen += hist[at + i];
    while (r < 3 && seen >= ranks[r]) {
      const [low, width] = binRange(i);
      found[r++] = width === 1 ? low : Math.round(low + width / 2);
    }
  }
  return { count, p50: found[0], p90: found[1], p99: found[2] };
}
