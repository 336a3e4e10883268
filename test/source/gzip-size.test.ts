/** The estimate of what a .gz decompresses to (gzip-size.ts): its trailer where plausible, a typical ratio otherwise. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipBytes, plausibleGzipBytes, TYPICAL_GZIP_RATIO } from '../../src/source/gzip-size.js';

const dir = mkdtempSync(join(tmpdir(), 'pmta-gzsize-'));
const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `d,2026-11-28 10:00:${i % 60}Z,u${i}@gmail.com\n`).join(''));

describe('gzip size estimate', () => {
  it('reads a single member trailer exactly', () => {
    const body = text(5000);
    const path = join(dir, 'one.csv.gz');
    const gz = gzipSync(body);
    writeFileSync(path, gz);
    expect(gzipBytes(path, gz.length)).toBe(body.length);
  });

  it('falls back to the typical ratio when the last member of several is too small to be the whole', () => {
    const big = gzipSync(text(5000));
    const small = gzipSync(Buffer.from('d,x\n'));
    const path = join(dir, 'two.csv.gz');
    writeFileSync(path, Buffer.concat([big, small]));
    expect(gzipBytes(path, big.length + small.length)).toBe((big.length + small.length) * TYPICAL_GZIP_RATIO);
  });

  it('adds 2^32 for a member over 4 GiB, and falls back where no wrap is plausible', () => {
    const size = 700_000_000;
    expect(plausibleGzipBytes(5_000_000_000 % 2 ** 32, size)).toBe(5_000_000_000);
    expect(plausibleGzipBytes(4_000_000_000, size)).toBe(4_000_000_000);
    expect(plausibleGzipBytes(10, 1000)).toBe(1000 * TYPICAL_GZIP_RATIO);
    expect(plausibleGzipBytes(1_000_000, 1000)).toBe(1000 * TYPICAL_GZIP_RATIO);
  });

  it('takes the typical ratio for a file too short to be a member or that cannot be read', () => {
    expect(gzipBytes(join(dir, 'missing.gz'), 100)).toBe(100 * TYPICAL_GZIP_RATIO);
    expect(gzipBytes(join(dir, 'missing.gz'), 5)).toBe(5 * TYPICAL_GZIP_RATIO);
  });
});
