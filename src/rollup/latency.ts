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

/** The value a percentile falling in bin i reads: the bin's middle (its value below EXACT). */
function binValue(i: number): number {
  if (i < EXACT) return i;
  const width = 2 ** (1 + ((i - EXACT) >> 3));
  return Math.round((SUB + ((i - EXACT) & (SUB - 1))) * width + width / 2);
}

/** The bins summarize() found not empty, in order (scratch: one summary at a time). */
const filled = new Int32Array(BINS);

/**
 * Count and p50, p90, p99 of hist[at .. at+BINS) (at < 0: none). Once per group of every report,
 * much of it before V8 optimises it: one pass over the bins, which counts and notes the few that
 * are not empty (latencies cluster), then the ranks found among those alone (p50 <= p90 <= p99).
 * binRange and percentile() are the reference, held equal by a test.
 */
export function summarize(hist: Uint32Array | undefined, at: number): LatencySummary {
  if (hist === undefined || at < 0) return { count: 0, p50: null, p90: null, p99: null };
  const end = at + BINS;
  let count = 0;
  let n = 0;
  for (let i = at; i < end; i++) {
    const v = hist[i];
    if (v === 0) continue;
    count += v;
    filled[n++] = i;
  }
  if (count === 0) return { count, p50: null, p90: null, p99: null };
  const r50 = Math.max(1, Math.ceil(0.5 * count));
  const r90 = Math.max(1, Math.ceil(0.9 * count));
  const r99 = Math.max(1, Math.ceil(0.99 * count));
  let p50: number | null = null;
  let p90: number | null = null;
  let p99: number | null = null;
  let seen = 0;
  for (let j = 0; j < n; j++) {
    const i = filled[j];
    seen += hist[i];
    if (seen < r50) continue;
    // each value read once, where its rank is reached
    if (p50 === null) p50 = binValue(i - at);
    if (seen < r90) continue;
    if (p90 === null) p90 = binValue(i - at);
    if (seen >= r99) {
      p99 = binValue(i - at);
      break;
    }
  }
  return { count, p50, p90, p99 };
}
