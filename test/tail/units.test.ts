/** Unit tests of the tail building blocks: histogram codec, identity, the view renderer, options. */
import { describe, expect, it } from 'vitest';
import { parseListen } from '../../src/cli/metrics-server.js';
import { NO_PAINT } from '../../src/render/highlight.js';
import { renderLiveView, type LiveData, type LiveStatus } from '../../src/render/live-view.js';
import type { GroupRow } from '../../src/model/rows.js';
import { ratesOf, type Counts } from '../../src/rollup/counters.js';
import { BINS, binOf } from '../../src/rollup/latency.js';
import { fingerprintOf } from '../../src/source/file-identity.js';
import fc from 'fast-check';
import { addEncodedHists, decodeHexHistInto, decodeHistInto, encodeHist } from '../../src/state/hist-codec.js';
import { HEADER } from '../helpers/acct-writer.js';

describe('hist codec', () => {
  it('round-trips sparse histograms and adds them exactly', () => {
    const a = new Uint32Array(BINS);
    a[binOf(3)] = 5;
    a[binOf(4000)] = 2;
    const b = new Uint32Array(BINS);
    b[binOf(3)] = 1;
    b[BINS - 1] = 7;
    const sum = new Uint32Array(BINS);
    decodeHistInto(addEncodedHists(encodeHist(a, 0), encodeHist(b, 0)) as Buffer, sum, 0);
    for (let i = 0; i < BINS; i++) expect(sum[i]).toBe(a[i] + b[i]);
    expect(encodeHist(new Uint32Array(BINS), 0)).toBeNull();
    expect(encodeHist(a, 0)?.length).toBe(16);
  });

  it('reads the hex text of an encoding (SQLite hex(), upper case) as the encoding itself', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: BINS - 1 }), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 40 }),
        (cells) => {
          const h = new Uint32Array(BINS);
          for (const [bin, n] of cells) h[bin] = n;
          const blob = encodeHist(h, 0);
          const fromBlob = new Uint32Array(BINS * 2);
          const fromHex = new Uint32Array(BINS * 2);
          if (blob !== null) decodeHistInto(blob, fromBlob, BINS);
          decodeHexHistInto(blob === null ? '' : blob.toString('hex').toUpperCase(), fromHex, BINS);
          expect([...fromHex]).toEqual([...fromBlob]);
          expect([...fromHex.subarray(BINS)]).toEqual([...h]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fingerprint', () => {
  const head = `${HEADER}\r\n`;
  it('covers the first data record, never the header alone (every file starts with the same header)', () => {
    expect(fingerprintOf(Buffer.from(head))).toBeNull();
    expect(fingerprintOf(Buffer.from(`${head}d,2026-11-28 10:00:00+0000,partial`))).toBeNull();
    const one = fingerprintOf(Buffer.from(`${head}d,1\r\n`));
    const two = fingerprintOf(Buffer.from(`${head}d,2\r\n`));
    expect(one).not.toBeNull();
    expect(one).not.toBe(two);
    // More records, a repeated header (pipe restart) before the first record: the same identity.
    expect(fingerprintOf(Buffer.from(`${head}d,1\r\nd,3\r\n`))).toBe(one);
    expect(fingerprintOf(Buffer.from(`\ufeff${head}${head}d,1\r\n`))).toBe(one);
  });
});

describe('live view renderer', () => {
  const counts = (delivered: number, deferred: number): Counts => ({
    delivered,
    deferred,
    queueDeferred: 0,
    bounced: 0,
    hardBounced: 0,
    softBounced: 0,
    complaints: 0,
    remoteBounced: 0,
    remoteStatus: 0,
    received: 0,
    deliveredBytes: 0,
  });
  const row = (d: number, t: number): GroupRow => ({
    bucket: 0,
    key: {},
    counts: counts(d, t),
    rates: ratesOf(counts(d, t)),
    latency: { count: 0, p50: null, p90: null, p99: null },
  });
  const status: LiveStatus = {
    live: '/var/log/pmta/acct.csv',
    rate: 1234,
    lagBytes: 0,
    badRecords: 2,
    records: 99,
    files: 1,
    lastEvent: 0,
    paused: false,
    gaps: 0,
    notices: ['rotated \u001b[2J'],
  };
  const data: LiveData = {
    mode: 'isp',
    available: true,
    bucketSize: '5m',
    tz: 'UTC',
    current: 0,
    previous: -300,
    rows: Array.from({ length: 40 }, (_, i) => ({ key: `isp${i}`, cur: row(1000, i * 10), prev: null })),
    total: { key: 'Total', cur: row(40000, 100), prev: row(1, 0) },
  };
  it('fits any terminal size, cuts rows with a count, and escapes notices', () => {
    for (const [w, h] of [
      [200, 60],
      [80, 24],
      [40, 10],
      [10, 3],
    ]) {
      const text = renderLiveView(status, data, w, h, NO_PAINT);
      const lines = text.split('\n');
      expect(lines.length).toBeLessThanOrEqual(Math.max(1, h));
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(Math.max(20, w));
      expect(text).not.toContain('\u001b');
    }
    const mid = renderLiveView(status, data, 120, 24, NO_PAINT);
    expect(mid).toMatch(/\.\.\. \d+ more/);
    expect(mid).toContain('1,234 rows/s');
    expect(mid).toContain('rotated \\x1b[2J');
  });
  it('highlights rates over the thresholds', () => {
    const painted = renderLiveView(status, data, 120, 50, {
      level: (t, l) => (l === 'ok' ? t : `<${l}>${t}`),
      bold: (t) => t,
      dim: (t) => t,
    });
    expect(painted).toMatch(/<crit>\s*5\.66%/); // isp6: 60 deferred of 1,060 attempts (> 5%)
    expect(painted).toMatch(/<warn>\s*3\.85%/); // isp4: 40 of 1,040 (> 3%)
    expect(painted).toMatch(/ 2\.91%/); // isp3: under 3%, not highlighted
    expect(painted).not.toMatch(/<\w+>\s*2\.91%/);
  });
});

describe('--metrics address', () => {
  it('binds loopback unless a host is given', () => {
    expect(parseListen(':9469')).toEqual({ host: '127.0.0.1', port: 9469 });
    expect(parseListen('9469')).toEqual({ host: '127.0.0.1', port: 9469 });
    expect(parseListen('0.0.0.0:9469')).toEqual({ host: '0.0.0.0', port: 9469 });
    expect(parseListen('[::1]:9469')).toEqual({ host: '::1', port: 9469 });
    expect(() => parseListen('nope')).toThrow(/HOST:PORT/);
  });
});
