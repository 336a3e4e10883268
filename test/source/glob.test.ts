import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlob, segmentRegex } from '../../src/source/glob.js';
import { resolveInputPaths } from '../../src/source/inputs.js';

describe('glob patterns', () => {
  it('translates a segment', () => {
    const re = (p: string) => segmentRegex(p);
    expect(re('acct-*.csv*').test('acct-2026-11-28-0000.csv.gz')).toBe(true);
    expect(re('acct-*.csv').test('acct-2026-11-28-0000.csv.gz')).toBe(false);
    expect(re('*.csv').test('.hidden.csv')).toBe(false);
    expect(re('.*.csv').test('.hidden.csv')).toBe(true);
    expect(re('acct-2026-11-2?-000[0-2].csv').test('acct-2026-11-28-0002.csv')).toBe(true);
    expect(re('acct-2026-11-2?-000[!0-2].csv').test('acct-2026-11-28-0002.csv')).toBe(false);
    expect(re('{acct,diag}-*').test('diag-x')).toBe(true);
    expect(re('a+b(c).csv').test('a+b(c).csv')).toBe(true);
  });

  it('expands files and ** over directories, reading names only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-glob-'));
    for (const f of [
      'a/acct-2026-11-28-0000.csv',
      'a/acct-2026-11-28-0001.csv.gz',
      'a/.hidden.csv',
      'a/b/acct-2026-11-29-0000.csv',
      'c/acct-2026-11-30-0000.csv',
    ]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'type,timeLogged\n');
    }
    const rel = (ps: string[]) => ps.map((p) => relative(dir, p)).sort();
    expect(rel(expandGlob(`${dir}/a/acct-*.csv*`))).toEqual(['a/acct-2026-11-28-0000.csv', 'a/acct-2026-11-28-0001.csv.gz']);
    expect(rel(expandGlob(`${dir}/**/acct-*.csv`))).toEqual([
      'a/acct-2026-11-28-0000.csv',
      'a/b/acct-2026-11-29-0000.csv',
      'c/acct-2026-11-30-0000.csv',
    ]);
    expect(rel(expandGlob(`${dir}/*/acct-2026-11-{28,30}-0000.csv`))).toEqual(['a/acct-2026-11-28-0000.csv', 'c/acct-2026-11-30-0000.csv']);
    expect(expandGlob(`${dir}/nothing-*.csv`)).toEqual([]);
    // as inputs: in rotation order (by date and sequence), a matched directory listed
    expect(rel(resolveInputPaths([`${dir}/[ac]`]))).toEqual([
      'a/acct-2026-11-28-0000.csv',
      'a/acct-2026-11-28-0001.csv.gz',
      'c/acct-2026-11-30-0000.csv',
    ]);
    expect(resolveInputPaths([`${dir}/**/acct-*.csv`]).map((p) => relative(dir, p))).toEqual([
      'a/acct-2026-11-28-0000.csv',
      'a/b/acct-2026-11-29-0000.csv',
      'c/acct-2026-11-30-0000.csv',
    ]);
    expect(() => resolveInputPaths([`${dir}/none-*.csv`])).toThrow(/no file matches/);
  });
});
