/** Parsers for option values shared by the commands; each throws a USAGE error naming the option. */
import { availableParallelism } from 'node:os';
import { isDimension, type Dimension, DIMENSIONS } from '../classify/classifier.js';
import { PmtaAcctError } from '../errors.js';
import { BUCKET_SIZES, isBucketSize, type BucketSize } from '../rollup/buckets.js';

export function parseDims(text: string): Dimension[] {
  const dims = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const d of dims) {
    if (!isDimension(d)) throw new PmtaAcctError('USAGE', `--by: unknown dimension '${d}' (use ${DIMENSIONS.join(', ')})`);
  }
  return [...new Set(dims)] as Dimension[];
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
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
