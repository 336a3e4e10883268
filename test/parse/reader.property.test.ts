import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { collect } from '../helpers/collect.js';

/** Cells from an alphabet rich in CSV specials; quoted the way PowerMTA (RFC 4180) quotes. */
const cell = fc
  .string({ unit: fc.constantFrom('a', 'b', '1', ' ', ',', '"', '\n', '\r\n', 'é', 'ü', '€', ';', '-'), maxLength: 12 })
  .filter((s) => !s.includes('\r') || s.includes('\r\n'));

function quote(s: string, force: boolean): string {
  return force || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const fileArb = fc.record({
  cols: fc.integer({ min: 1, max: 6 }),
  rows: fc.array(fc.tuple(fc.array(cell, { minLength: 6, maxLength: 6 }), fc.boolean(), fc.boolean()), { maxLength: 25 }),
  crlf: fc.boolean(),
  lastNewline: fc.boolean(),
  piece: fc.integer({ min: 1, max: 300 }),
});

describe('RecordReader against csv-parse (property)', () => {
  it('decodes every record of a well-formed file exactly as csv-parse does, for any piece size', () => {
    fc.assert(
      fc.property(fileArb, ({ cols, rows, crlf, lastNewline, piece }) => {
        const eol = crlf ? '\r\n' : '\n';
        const header = ['type', ...Array.from({ length: cols - 1 }, (_, i) => `c${i}`)];
        const lines = [header.join(',')];
        for (const [cells, forceQuote, typeD] of rows) {
          const row = [typeD ? 'd' : 'b', ...cells.slice(0, cols - 1)];
          // a first cell that is blank would make a blank line, which both sides skip differently
          lines.push(row.map((c, i) => quote(c, forceQuote && i > 0)).join(','));
        }
        const text = lines.join(eol) + (lastNewline ? eol : '');
        const expected = parse(text, { relax_quotes: true, record_delimiter: ['\n', '\r\n'] }) as string[][];
        const got = collect(Buffer.from(text, 'utf8'), piece);
        expect(got.problems.badRecords).toBe(0);
        expect(got.rows).toEqual(expected);
      }),
      { numRuns: 400, seed: 20261129 },
    );
  });
});

describe('RecordReader on arbitrary input (property)', () => {
  const junk = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', '\r', 'é', ' ', '\u0000'), maxLength: 400 });

  it('reads the same records and reports the same problems at the same places whatever the piece size', () => {
    fc.assert(
      fc.property(junk, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 8, max: 200 }), (body, piece, cap) => {
        const bytes = Buffer.from(`type,a,b\n${body}`, 'utf8');
        const opts = { maxRecordBytes: cap, maxRecordLines: 3 };
        const whole = collect(bytes, 1 << 16, opts);
        const cut = collect(bytes, piece, opts);
        expect(cut.rows).toEqual(whole.rows);
        expect(cut.lines).toEqual(whole.lines);
        const where = (c: typeof whole) => c.problems.first.map((p) => [p.code, p.line, p.byte]);
        expect(where(cut)).toEqual(where(whole));
        // every line is accounted for: the last record or problem is on a line that exists
        const total = body.split('\n').length + 1;
        for (const l of whole.lines) expect(l).toBeLessThanOrEqual(total);
      }),
      { numRuns: 400, seed: 424242 },
    );
  });
});
