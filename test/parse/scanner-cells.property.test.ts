/**
 * The scanner's bulk paths (times(), keys()) against the JavaScript they stand in for: for any
 * cell, a scanned time is either left to JavaScript or equal to parseTimestamp's, and a scanned key
 * is the same id exactly when the value (as the classifier reads it) is the same.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProblemLog } from '../../src/parse/problems.js';
import { RecordReader, type ScanColumns } from '../../src/parse/reader.js';
import type { RecordView } from '../../src/parse/record-view.js';
import { KEY_CELL, KEY_DOMAIN, type Scanner } from '../../src/parse/scanner.js';
import { parseTimestamp } from '../../src/parse/time.js';

interface Seen {
  time: number[];
  js: number[];
  /** The same for cell 2, when the record has one. */
  time2: number[];
  js2: number[];
  key: number[];
  text: string[];
}

/** Read `text` with the given scan columns; per record, what the scanner and JavaScript say of cell 1. */
function scanned(text: string, cols: ScanColumns, piece = 1 << 16): Seen {
  const seen: Seen = { time: [], js: [], time2: [], js2: [], key: [], text: [] };
  const sink = {
    header() {},
    scanColumns: () => cols,
    record(v: RecordView) {
      seen.time.push(v.scannedTime(1));
      seen.js.push(parseTimestamp(v.bytes, v.fieldStart(1), v.fieldEnd(1)));
      if (v.n > 2) {
        seen.time2.push(v.scannedTime(2));
        seen.js2.push(parseTimestamp(v.bytes, v.fieldStart(2), v.fieldEnd(2)));
      }
      const slot = cols[2] === 1 ? KEY_CELL : KEY_DOMAIN;
      const k = v.scannedKey(slot, 1);
      seen.key.push(k);
      seen.text.push(k < 0 ? '' : (v.scanner as Scanner).keyText(slot, k));
    },
  };
  const reader = new RecordReader(sink, new ProblemLog(10), { file: 't.csv', chunkSize: piece });
  reader.write(Buffer.from(text, 'utf8'));
  reader.finish();
  return seen;
}

const d2 = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
/** Timestamps near the accepted forms: valid ones, and ones one edit away from valid. */
const stamp = fc
  .tuple(
    fc.integer({ min: 1890, max: 2045 }),
    d2(0, 13),
    d2(0, 32),
    fc.constantFrom(' ', 'T', 't', 'X'),
    d2(0, 24),
    d2(0, 61),
    d2(0, 61),
    fc.constantFrom('', 'Z', '+0000', '-0500', '+05:30', '-05', '+1900', '-0061', '.250Z', 'Zx', '+050', ' '),
    fc.integer({ min: 0, max: 30 }),
    fc.constantFrom('', '', '', '7', ':', '-', '\u00e9'),
  )
  .map(([y, m, d, sep, h, mi, s, off, at, junk]) => {
    const t = `${y}-${m}-${d}${sep}${h}:${mi}:${s}${off}`;
    return junk === '' ? t : t.slice(0, at) + junk + t.slice(at + 1);
  });

describe('scanner times() (property)', () => {
  it("gives parseTimestamp's value or leaves the cell to it, for any near-timestamp", () => {
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (stamps, piece) => {
        const text = `type,t\n${stamps.map((s) => `d,${s}`).join('\n')}\n`;
        const seen = scanned(text, [1, -1, -1, -1], piece);
        expect(seen.time.length).toBe(stamps.length);
        seen.time.forEach((t, i) => {
          if (t >= 0) expect(t).toBe(seen.js[i]);
        });
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('reuses the last parse of a column only when that is right (same minute, same offset)', () => {
    const near = fc
      .tuple(
        fc.constantFrom('2026-11-28 10:41', '2026-11-28 10:42', '2024-02-29 23:59', '2026-11-28T10:41', '2026-11-28 10:4x'),
        fc.constantFrom(':00', ':59', ':60', ':61', ':0', ':5a', '.07', ':07'),
        fc.constantFrom('-0500', '-0500', '+0000', '', 'Z', '-05:00', '-05', '.5Z', '-0599', '-05000'),
      )
      .map(([minute, seconds, offset]) => minute + seconds + offset);
    fc.assert(
      fc.property(fc.array(fc.tuple(near, near), { minLength: 1, maxLength: 60 }), (pairs) => {
        const text = `type,t,q\n${pairs.map(([a, b]) => `d,${a},${b}`).join('\n')}\n`;
        const seen = scanned(text, [1, 2, -1, -1]);
        seen.time.forEach((t, i) => {
          if (t >= 0) expect([pairs[i][0], t]).toEqual([pairs[i][0], seen.js[i]]);
        });
        seen.time2.forEach((t, i) => {
          if (t >= 0) expect([pairs[i][1], t]).toEqual([pairs[i][1], seen.js2[i]]);
        });
        // and it takes every cell in its fast format itself
        const fast = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d([+-]\d\d(:?\d\d)?|Z)?$/;
        seen.time.forEach((t, i) => {
          if (fast.test(pairs[i][0]) && !Number.isNaN(seen.js[i])) expect([pairs[i][0], t]).toEqual([pairs[i][0], seen.js[i]]);
        });
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });

  it('parses the usual forms itself, from 1970 to 2037', () => {
    const cases = [
      '1970-01-01 00:00:00+0000',
      '2026-11-28 10:00:00-0500',
      '2026-11-28T15:00:00Z',
      '2024-02-29 23:59:60+05:30',
      '2037-12-31 23:59:59-1800',
      '2000-02-29 12:00:00',
      '2026-11-28 10:00:00-05',
    ];
    const seen = scanned(`type,t\n${cases.map((c) => `d,${c}`).join('\n')}\n`, [1, -1, -1, -1]);
    seen.time.forEach((t, i) => expect([cases[i], t]).toEqual([cases[i], seen.js[i]]));
  });

  it('leaves forms outside its fast path to JavaScript', () => {
    const cases = [
      '2026-02-29 00:00:00+0000',
      '1969-12-31 23:59:59+0000',
      '2038-01-01 00:00:00+0000',
      '11/28/2026 10:00:00-0500',
      '1795878000',
      '2026-11-28 10:00:00.5Z',
      ' 2026-11-28 10:00:00+0000',
      '"2026-11-28 10:00:00+0000"',
    ];
    const seen = scanned(`type,t\n${cases.map((c) => `d,${c}`).join('\n')}\n`, [1, -1, -1, -1]);
    expect(seen.time).toEqual(cases.map(() => -1));
  });
});

const value = fc.string({
  unit: fc.constantFrom('a', 'B', 'z', 'Z', '@', '.', '1', '-', '\u00dc', '\u00fc', '\u20ac', '['),
  maxLength: 40,
});

describe('scanner keys() (property)', () => {
  it('interns a cell as it is: one id per distinct value, and the id gives the value back', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 300 }), (values, piece) => {
        const seen = scanned(`type,ip\n${values.map((v) => `d,${v}`).join('\n')}\n`, [-1, -1, 1, -1], piece);
        const idOf = new Map<string, number>();
        values.forEach((v, i) => {
          expect(seen.key[i]).toBeGreaterThanOrEqual(0);
          expect(seen.text[i]).toBe(v);
          const before = idOf.get(v);
          if (before === undefined) {
            expect([...idOf.values()]).not.toContain(seen.key[i]);
            idOf.set(v, seen.key[i]);
          } else expect(seen.key[i]).toBe(before);
        });
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('interns the domain after the last @ with ASCII letters in lower case', () => {
    fc.assert(
      fc.property(
        fc.array(
          value.filter((v) => v !== ''),
          { minLength: 1, maxLength: 60 },
        ),
        (values) => {
          const seen = scanned(`type,rcpt\n${values.map((v) => `d,${v}`).join('\n')}\n`, [-1, -1, -1, 1]);
          const domainOf = (v: string) => {
            const at = v.lastIndexOf('@');
            return at < 0 ? '' : v.slice(at + 1).replace(/[A-Z]/g, (c) => c.toLowerCase());
          };
          const idOf = new Map<string, number>();
          values.forEach((v, i) => {
            const d = domainOf(v);
            expect(seen.text[i]).toBe(d);
            const before = idOf.get(d);
            if (before === undefined) idOf.set(d, seen.key[i]);
            else expect(seen.key[i]).toBe(before);
          });
          expect(new Set(idOf.values()).size).toBe(idOf.size);
        },
      ),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('leaves quoted and empty domain cells to JavaScript, and values past its capacity', () => {
    const seen = scanned('type,rcpt\nd,"a@b.com"\nd,\nd,x@Y.com\n', [-1, -1, -1, 1]);
    expect(seen.key.slice(0, 2)).toEqual([-1, -1]);
    expect(seen.text[2]).toBe('y.com');
    // 32,768 values fit, the header row's cell among them (the scanner does not know headers)
    const many = Array.from({ length: 33_000 }, (_, i) => `d,10.${i >> 8}.${i & 255}.1`).join('\n');
    const full = scanned(`type,ip\n${many}\nd,10.0.0.1\n`, [-1, -1, 1, -1]);
    expect(full.key.slice(0, 32_767).every((k, i) => k === i + 1)).toBe(true);
    expect(full.key.slice(32_767, 33_000).every((k) => k === -1)).toBe(true);
    expect(full.key[33_000]).toBe(1);
  });
});
