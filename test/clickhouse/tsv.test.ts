import { describe, expect, it } from 'vitest';
import { tsvNumbers, tsvString, tsvStrings } from '../../src/clickhouse/tsv.js';

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
