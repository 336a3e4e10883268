import { describe, expect, it } from 'vitest';
import { TsvReader, tsvNumberArray, tsvNumbers, tsvString, tsvStrings, tsvUnescape } from '../../src/clickhouse/tsv.js';

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
  it('reads a row field by field: numbers in place, strings as written', () => {
    const r = new TsvReader('5m\t1764300000\tgmail.com\t12\n5m\t1764300300\t\t0\n');
    const rows: unknown[][] = [];
    while (!r.done) rows.push([r.field(), r.number(), r.field(), Number(r.last())]);
    expect(rows).toEqual([
      ['5m', 1764300000, 'gmail.com', 12],
      ['5m', 1764300300, '', 0],
    ]);
    expect(new TsvReader('').done).toBe(true);
    // the last row may lack its newline
    const one = new TsvReader('a\tb');
    expect([one.field(), one.last(), one.done]).toEqual(['a', 'b', true]);
  });

  it('reads numbers it cannot take in place exactly, by Number()', () => {
    const r = new TsvReader('-3\t2.5\t9007199254740993\t1e3\tx\n');
    expect([r.number(), r.number(), r.number(), r.number(), r.last()]).toEqual([-3, 2.5, 9007199254740992, 1000, 'x']);
  });

  it('refuses a row of another width, naming the row', () => {
    const short = new TsvReader('a\tb\nc\n');
    short.field();
    short.last();
    expect(() => short.field()).toThrow(/row 2: fewer fields than asked/);
    const long = new TsvReader('1\t2\t3\n');
    expect(() => [long.number(), long.last()]).toThrow(/row 1: more fields than asked/);
    expect(() => new TsvReader('7\n').number()).toThrow(/fewer fields/);
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
