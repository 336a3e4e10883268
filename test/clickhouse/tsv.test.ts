import { describe, expect, it } from 'vitest';
import { tsvNumberArray, tsvNumbers, tsvRows, tsvString, tsvStrings, tsvUnescape } from '../../src/clickhouse/tsv.js';

describe('TabSeparated fields for load', () => {
  it('escapes what would end a field or a row, and nothing else', () => {
    expect(tsvString('plain text; 550 5.1.1')).toBe('plain text; 550 5.1.1');
    expect(tsvString('a\tb\nc\r\\d')).toBe('a\\tb\\nc\\r\\\\d');
    expect(tsvString("it's")).toBe("it's");
  });

  it('writes arrays of strings quoted, as ClickHouse writes them', () => {
    expect(tsvStrings([])).toBe('[]');
    expect(tsvStrings(['a', "o'k", 'x\\y', 'tab\there', 'line\nbreak'])).toBe("['a','o\\'k','x\\\\y','tab\\there','line\\nbreak']");
  });

  it('writes numbers as JavaScript prints them', () => {
    expect(tsvNumbers([1764300000, -9007199254740991, 0])).toBe('[1764300000,-9007199254740991,0]');
  });
});

describe('TabSeparated answers for the fleet reads', () => {
  it('splits rows into a flat array of fields, a field per column', () => {
    expect(tsvRows('5m\t1764300000\tgmail.com\t12\n5m\t1764300300\t\t0\n', 4)).toEqual([
      '5m',
      '1764300000',
      'gmail.com',
      '12',
      '5m',
      '1764300300',
      '',
      '0',
    ]);
    expect(tsvRows('', 3)).toEqual([]);
    // the last row may lack its newline
    expect(tsvRows('a\tb', 2)).toEqual(['a', 'b']);
  });

  it('refuses a row of another width', () => {
    expect(() => tsvRows('a\tb\nc\n', 2)).toThrow(/1 fields where 2/);
  });

  it('undoes the escapes ClickHouse writes in a string field', () => {
    expect(tsvUnescape('plain')).toBe('plain');
    expect(tsvUnescape("a\\tb\\nc\\\\d\\'e\\0")).toBe("a\tb\nc\\d'e\0");
    // the round trip of what load writes
    for (const s of ['x\ty', 'back\\slash', 'two\nlines\r']) expect(tsvUnescape(tsvString(s))).toBe(s);
  });

  it('reads an array of numbers', () => {
    expect(tsvNumberArray('[]')).toEqual([]);
    expect(tsvNumberArray('[3,17,250]')).toEqual([3, 17, 250]);
  });
});
