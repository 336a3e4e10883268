import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { writeSingleFile } from '../../bench/generate.js';
import { collect } from '../helpers/collect.js';
import { fixture } from '../helpers/cli.js';

/**
 * The fast path against csv-parse, record for record. Where pmta-acct has a policy csv-parse has
 * not (blank and whitespace-only lines skipped, header names trimmed, extra empty cells dropped),
 * csv-parse's records are normalized the same way first.
 */
function reference(bytes: Buffer): string[][] {
  const rows = parse(bytes, {
    relax_quotes: true,
    relax_column_count: true,
    bom: true,
    skip_empty_lines: true,
    record_delimiter: ['\n', '\r\n'],
  }) as string[][];
  const out: string[][] = [];
  let width = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (row.length === 1 && row[0].trim() === '') continue;
    if (row[0].toLowerCase() === 'type') {
      const names = row.map((c) => c.trim());
      while (names.length > 1 && names[names.length - 1] === '') names.pop();
      width = names.length;
      out.push(names);
      continue;
    }
    const cells = [...row];
    while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
    out.push(cells);
  }
  return out;
}

const dir = fixture('parse');
const files = readdirSync(dir).filter((n) => n.endsWith('.csv') && n !== 'bad-records.csv');

describe('reader against csv-parse on every fixture', () => {
  it.each(files)('%s', (name) => {
    const bytes = readFileSync(join(dir, name));
    for (const piece of [1 << 20, 7]) {
      const got = collect(bytes, piece);
      expect(got.problems.badRecords).toBe(0);
      expect(got.rows).toEqual(reference(bytes));
    }
  });

  it('on a generated day', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pmta-gen-')), 'day.csv');
    await writeSingleFile(path, { rows: 3000, seed: 9 });
    const bytes = readFileSync(path);
    const got = collect(bytes, 4096);
    expect(got.rows.length).toBe(3001);
    expect(got.rows).toEqual(reference(bytes));
  });
});
