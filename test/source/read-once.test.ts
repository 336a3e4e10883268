import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readOnce } from '../../src/source/inputs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'pmta-once-'));
  dirs.push(d);
  return d;
}

const HEADER = 'type,timeLogged,rcpt\r\n';
const rows = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, i) => `d,2026-11-28 10:00:${String((from + i) % 60).padStart(2, '0')}+0000,u${from + i}@gmail.com\r\n`,
  ).join('');

describe('each file read once', () => {
  it('leaves out the .gz that holds the same file, or too little of it to tell', () => {
    const d = scratch();
    const text = HEADER + rows(50);
    writeFileSync(join(d, 'acct-2026-11-28-0000.csv'), text);
    writeFileSync(join(d, 'acct-2026-11-28-0000.csv.gz'), gzipSync(text));
    writeFileSync(join(d, 'acct-2026-11-28-0001.csv'), text);
    writeFileSync(join(d, 'acct-2026-11-28-0001.csv.gz'), gzipSync(text).subarray(0, 12));
    const paths = ['0000.csv', '0000.csv.gz', '0001.csv', '0001.csv.gz'].map((p) => join(d, `acct-2026-11-28-${p}`));
    expect(readOnce(paths)).toEqual({
      kept: [paths[0], paths[2]],
      notes: [1, 3].map(
        (i) => `${paths[i]}: not read: ${paths[i - 1]} is read, the same file before it was gzipped (or while gzip writes it)`,
      ),
    });
  });

  it('keeps a .gz of other content, and a .gz alone', () => {
    const d = scratch();
    const a = join(d, 'acct-2026-11-28-0000.csv');
    writeFileSync(a, HEADER + rows(5));
    writeFileSync(`${a}.gz`, gzipSync(HEADER + rows(5, 100)));
    const b = join(d, 'acct-2026-11-28-0001.csv.gz');
    writeFileSync(b, gzipSync(HEADER + rows(5)));
    expect(readOnce([a, `${a}.gz`, b])).toEqual({ kept: [a, `${a}.gz`, b], notes: [] });
  });

  it('reads a file named twice (a directory and a pattern over it, a link beside its target) under its first name', () => {
    const d = scratch();
    const a = join(d, 'acct-2026-11-28-0000.csv');
    writeFileSync(a, HEADER + rows(5));
    const link = join(d, 'acct-2026-11-28-0000-link.csv');
    symlinkSync(a, link);
    expect(readOnce([a, link, a, '-', '-'])).toEqual({
      kept: [a, '-', '-'],
      notes: [`${link}: not read: the same file as ${a}, named before`, `${a}: not read: the same file as ${a}, named before`],
    });
  });
});
