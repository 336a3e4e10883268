/** Parsers for option values shared by the commands; each throws a USAGE error naming the option. */
import { availableParallelism } from 'node:os';
import { isDimension, type Dimension, DIMENSIONS } from '../classify/classifier.js';
import { PmtaAcctError } from '../errors.js';
import { BUCKET_SIZES, isBucketSize, type BucketSize } from '../rollup/buckets.js';
import type { RetainSpec } from '../state/tiers.js';
import { parseDuration } from '../parse/time-range.js';

/** A list of dimensions; `option` names the option in the error (--by, tail's --dims). */
export function parseDims(text: string, option = '--by'): Dimension[] {
  const dims: Dimension[] = [];
  for (const d of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if (!isDimension(d)) throw new PmtaAcctError('USAGE', `${option}: unknown dimension '${d}' (use ${DIMENSIONS.join(', ')})`);
    dims.push(d);
  }
  return [...new Set(dims)];
}

export function parseBucket(text: string | undefined): BucketSize | null {
  if (text === undefined) return null;
  if (!isBucketSize(text)) throw new PmtaAcctError('USAGE', `--bucket: '${text}' is not one of ${BUCKET_SIZES.join(', ')}`);
  return text;
}

export function parsePositiveInt(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new PmtaAcctError('USAGE', `${option}: '${text}' is not a positive whole number`);
  return n;
}

export function parseThreads(text: string | undefined): number {
  return parsePositiveInt(text, '--workers') ?? availableParallelism();
}

export function parseList(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Seconds: a plain number, or a duration (30s, 5m, 48h, 35d). */
export function parseSeconds(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n) && n >= 0) return n;
  const d = parseDuration(text);
  if (Number.isNaN(d)) throw new PmtaAcctError('USAGE', `${option}: '${text}' is not a duration (e.g. 30, 30s, 5m, 35d)`);
  return d;
}

/**
 * `--retain`: how long a tail state keeps its buckets. `35d` keeps nothing older than 35 days (the
 * form of the first versions); `5m=48h,1h=35d,1d=400d` sets each tier (state/tiers.ts); both mix
 * (`90d,5m=7d`). Grains are checked against the state's tiers once it is open. `option` names the
 * option in messages (`clickhouse prune --keep` takes the same form).
 */
export function parseRetain(text: string, option = '--retain'): RetainSpec {
  let all: number | null = null;
  const byGrain = new Map<BucketSize, number>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (all !== null)
        throw new PmtaAcctError('USAGE', `${option} ${text}: one duration for all tiers at most (then GRAIN=DURATION, e.g. 5m=48h,1h=35d)`);
      all = parseSeconds(part, option);
      continue;
    }
    const grain = part.slice(0, eq).trim();
    if (!isBucketSize(grain))
      throw new PmtaAcctError('USAGE', `${option} ${part}: '${grain}' is not a bucket size (${BUCKET_SIZES.join(', ')})`);
    if (byGrain.has(grain)) throw new PmtaAcctError('USAGE', `${option}: ${grain} given twice`);
    byGrain.set(grain, parseSeconds(part.slice(eq + 1).trim(), `${option} ${grain}`));
  }
  if (all === null && byGrain.size === 0)
    throw new PmtaAcctError('USAGE', `${option}: '${text}' says nothing (e.g. 35d, or 5m=48h,1h=35d,1d=400d)`);
  return { all, byGrain };
}
