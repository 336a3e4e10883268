import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { matching } from '../helpers/where.js';

/**
 * The compiled filter (closures over bytes, quoted cells unquoted in place, ASCII case folding)
 * against a plain interpreter of the same expressions over csv-parse's decoded strings, on a file
 * of the sample day: random expressions over columns, comparisons, lists, globs, substrings and
 * regexes, combined with and / or / not.
 */
const FILE = join(ROOT, 'samples', 'acct-2026-11-28-0002.csv');
const bytes = readFileSync(FILE);
const rows = parse(bytes, { relax_column_count: true }) as string[][];
const header = rows[0];
const records = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h.toLowerCase(), r[i] ?? ''])));
const COLUMNS = ['rcpt', 'vmta', 'jobId', 'bounceCat', 'dlvSize', 'dsnDiag', 'dsnStatus', 'queue', 'type', 'dlvSourceIp', 'header_X-job'];

type Ref = { text: string; test: (r: Record<string, string>) => boolean };

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const value = (r: Record<string, string>, col: string) => r[col.toLowerCase()] ?? '';
const numberOf = (s: string) => (/^\s*[+-]?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : Number.NaN);

function globRegex(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/** Values seen in the data for a column, and a few that are not. */
const pick = (col: string) =>
  fc.oneof(fc.constantFrom(...records.slice(0, 300).map((r) => value(r, col))), fc.constantFrom('', 'x', 'gmail.com'));

const leaf: fc.Arbitrary<Ref> = fc.constantFrom(...COLUMNS).chain((col) =>
  fc.oneof(
    pick(col).map((v): Ref => ({ text: `${col} = ${quote(v)}`, test: (r) => lower(value(r, col)) === lower(v) })),
    pick(col).map((v): Ref => ({ text: `${col} != ${quote(v)}`, test: (r) => lower(value(r, col)) !== lower(v) })),
    fc.array(pick(col), { minLength: 1, maxLength: 4 }).map((vs): Ref => ({
      text: `${col} in (${vs.map(quote).join(', ')})`,
      test: (r) => vs.some((v) => lower(v) === lower(value(r, col))),
    })),
    fc.tuple(pick(col), fc.nat(), fc.nat(), fc.boolean()).map(([v, i, j, neg]): Ref => {
      // a glob made from a real value: a run replaced by *, a character by ?
      const s = [...v.replace(/[*?\\]/g, '')];
      if (s.length > 2) s.splice(i % s.length, 1 + (j % 3), '*');
      if (s.length > 1) s[j % s.length] = '?';
      const g = s.join('');
      const re = globRegex(lower(g));
      return { text: `${col} ${neg ? 'not like' : 'like'} ${quote(g)}`, test: (r) => re.test(lower(value(r, col))) !== neg };
    }),
    fc.tuple(pick(col), fc.nat(), fc.nat(3), fc.boolean()).map(([v, i, n, ci]): Ref => {
      const piece = v.slice(i % Math.max(1, v.length), (i % Math.max(1, v.length)) + 2 + n).replace(/[\\^$.|?*+()[\]{}/'"]/g, '');
      return {
        text: `${col} ~ /${piece}/${ci ? 'i' : ''}`,
        test: (r) => (ci ? lower(value(r, col)).includes(lower(piece)) : value(r, col).includes(piece)),
      };
    }),
    fc.constantFrom('^smtp;5\\d\\d ', 'gsmtp$', '\\[TSS0[0-9]\\]', '^\\d\\.\\d\\.\\d+ \\(', 'rollup\\/').map((src): Ref => ({
      text: `${col} ~ /${src}/`,
      test: (r) => new RegExp(src).test(value(r, col)),
    })),
    fc.tuple(fc.constantFrom('<', '<=', '>', '>='), fc.integer({ min: 0, max: 60000 })).map(([op, n]): Ref => ({
      text: `${col} ${op} ${n}`,
      test: (r) => {
        const x = numberOf(value(r, col));
        if (Number.isNaN(x)) return false;
        return op === '<' ? x < n : op === '<=' ? x <= n : op === '>' ? x > n : x >= n;
      },
    })),
    fc.constant<Ref>({ text: col, test: (r) => value(r, col) !== '' }),
  ),
);

const expr: fc.Arbitrary<Ref> = fc.letrec<{ e: Ref }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), tie('e')).map(([a, b]): Ref => ({ text: `(${a.text}) and (${b.text})`, test: (r) => a.test(r) && b.test(r) })),
    fc.tuple(tie('e'), tie('e')).map(([a, b]): Ref => ({ text: `(${a.text}) or (${b.text})`, test: (r) => a.test(r) || b.test(r) })),
    tie('e').map((a): Ref => ({ text: `not (${a.text})`, test: (r) => !a.test(r) })),
  ),
})).e;

describe('--where: compiled filter = a plain interpreter over csv-parse rows', () => {
  it('on the sample day', () => {
    let selective = 0;
    fc.assert(
      fc.property(expr, (e) => {
        const expected = records.filter((r) => e.test(r)).map((r) => r.rcpt);
        if (expected.length > 0 && expected.length < records.length) selective++;
        expect(matching(bytes, e.text)).toEqual(expected);
      }),
      { numRuns: 150, seed: 20261128 },
    );
    // the expressions split the records, not all-or-nothing
    expect(selective).toBeGreaterThan(50);
  });
});
