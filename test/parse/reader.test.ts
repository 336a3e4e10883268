import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { collect } from '../helpers/collect.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

function reference(text: string): string[][] {
  return parse(text, {
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: ['\n', '\r\n'],
    bom: true,
    skip_empty_lines: true,
  }) as string[][];
}

describe('RecordReader', () => {
  const file =
    'type,timeLogged,rcpt,dsnDiag\r\n' +
    'd,2026-11-28 10:00:00-0500,a@gmail.com,"smtp;250 ok, ""fine"""\r\n' +
    'b,2026-11-28 10:00:01-0500,b@bücher.de,"line one\r\nline two"\r\n' +
    't,2026-11-28 10:00:02-0500,c@yahoo.com,plain\n';

  it('reads headers, quoted fields, doubled quotes, CRLF inside quotes and UTF-8', () => {
    const got = collect(enc(file));
    expect(got.kinds).toEqual(['header', 'record', 'record', 'record']);
    expect(got.rows).toEqual(reference(file));
    expect(got.rows[2][2]).toBe('b@bücher.de');
    expect(got.rows[2][3]).toBe('line one\r\nline two');
    expect(got.lines).toEqual([1, 2, 3, 5]);
    expect(got.problems.badRecords).toBe(0);
  });

  it('gives the same records and positions whatever the piece size', () => {
    const whole = collect(enc(file));
    for (const piece of [1, 2, 3, 5, 7, 16, 17, 31, 64]) {
      const got = collect(enc(file), piece);
      expect(got.rows, `piece ${piece}`).toEqual(whole.rows);
      expect(got.lines).toEqual(whole.lines);
      expect(got.offsets).toEqual(whole.offsets);
    }
  });

  it('counts a last record without a line end once the input ends', () => {
    const got = collect(enc('type,x\nd,1\nd,2'));
    expect(got.rows).toEqual([
      ['type', 'x'],
      ['d', '1'],
      ['d', '2'],
    ]);
  });

  it('reports an invalid closing quote and resumes at the next line', () => {
    const text = 'type,a,b\nd,"x"y,1\nd,ok,2\n';
    const got = collect(enc(text));
    expect(got.rows).toEqual([
      ['type', 'a', 'b'],
      ['d', 'ok', '2'],
    ]);
    expect(got.problems.first[0]).toMatchObject({ code: 'INVALID_CLOSING_QUOTE', line: 2, byte: 9 });
  });

  it('does not let an unterminated quote swallow the file', () => {
    const lines = ['type,a,b', 'd,"never closed,1'];
    for (let i = 0; i < 50; i++) lines.push(`d,v${i},${i}`);
    const got = collect(enc(lines.join('\n') + '\n'));
    expect(got.problems.badRecords).toBe(1);
    expect(got.problems.first[0]).toMatchObject({ code: 'UNTERMINATED_QUOTE', line: 2 });
    expect(got.rows.length).toBe(51);
  });

  it('caps record size and resumes after the long line', () => {
    const long = 'd,' + 'x'.repeat(5000) + ',1';
    const text = `type,a,b\n${long}\nd,ok,2\n`;
    for (const piece of [1 << 20, 100, 1]) {
      const got = collect(enc(text), piece, { maxRecordBytes: 1000 });
      expect(got.rows).toEqual([
        ['type', 'a', 'b'],
        ['d', 'ok', '2'],
      ]);
      expect(got.problems.first.map((p) => [p.code, p.line])).toEqual([['RECORD_TOO_LONG', 2]]);
      expect(got.lines).toEqual([1, 3]);
    }
  });

  it('pads short rows, ignores extra empty cells and rejects extra non-empty ones', () => {
    const got = collect(enc('type,a,b,c\nd,1\nd,1,2,3,,\nd,1,2,3,4\n'));
    expect(got.rows).toEqual([
      ['type', 'a', 'b', 'c'],
      ['d', '1'],
      ['d', '1', '2', '3'],
    ]);
    expect(got.problems.first[0]).toMatchObject({ code: 'FIELD_COUNT', line: 4 });
  });

  it('treats a later row starting with type as a new header, in any case', () => {
    const got = collect(enc('type,a\nd,1\nTYPE,b,a\nd,2,3\n'));
    expect(got.kinds).toEqual(['header', 'record', 'header', 'record']);
    expect(got.rows[3]).toEqual(['d', '2', '3']);
  });

  it('reports records before any header', () => {
    const got = collect(enc('d,1\ntype,a\nd,2\n'));
    expect(got.problems.first[0]).toMatchObject({ code: 'NO_HEADER', line: 1, byte: 0 });
    expect(got.rows).toEqual([
      ['type', 'a'],
      ['d', '2'],
    ]);
  });

  it('skips a BOM, blank lines and NUL runs', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc('type,a\n\n  \r\nd,1\n'), Buffer.alloc(5), enc('d,2\n')]);
    const got = collect(bytes);
    expect(got.rows).toEqual([
      ['type', 'a'],
      ['d', '1'],
      ['d', '2'],
    ]);
    expect(got.problems.badRecords).toBe(0);
    expect(got.problems.first[0]).toMatchObject({ code: 'NUL_BYTES', line: 5 });
  });
});
