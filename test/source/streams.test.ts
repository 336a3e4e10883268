import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInputPaths } from '../../src/source/inputs.js';
import { overlappingStreams, sampleTypes, streamStem } from '../../src/source/streams.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'pmta-streams-'));
  dirs.push(d);
  return d;
}

const HEADER = 'type,timeLogged,rcpt\n';
const recs = (types: string[]) =>
  types.map((t, i) => `${t},2026-11-28 10:00:${String(i).padStart(2, '0')}+0000,u${i}@gmail.com\n`).join('');

describe('several <acct-file> streams in one directory', () => {
  it('names a stream by its rotation stem', () => {
    expect(['acct.csv', 'acct.csv.gz', 'acct-2026-11-28-0003.csv.gz', 'acct-2026-11-28-0000.csv'].map(streamStem)).toEqual([
      'acct',
      'acct',
      'acct',
      'acct',
    ]);
    expect(streamStem('bounces-2026-11-28-0000.csv')).toBe('bounces');
  });

  it('samples the record types of a plain file and of a .gz', () => {
    const d = scratch();
    writeFileSync(join(d, 'a.csv'), HEADER + recs(['d', 'b', 'tq']));
    writeFileSync(join(d, 'b.csv.gz'), gzipSync(HEADER + recs(['t', 't'])));
    expect([...sampleTypes(join(d, 'a.csv'))].sort()).toEqual(['b', 'd', 'tq']);
    expect([...sampleTypes(join(d, 'b.csv.gz'))]).toEqual(['t']);
  });

  it('warns when two streams share record types, naming both and the one to read', () => {
    const d = scratch();
    writeFileSync(join(d, 'acct-2026-11-28-0000.csv'), HEADER + recs(['d', 'b', 't']));
    writeFileSync(join(d, 'acct.csv'), HEADER + recs(['d', 'b', 't']));
    writeFileSync(join(d, 'bounces.csv'), HEADER + recs(['b']));
    writeFileSync(join(d, 'bounces-2026-11-28-0000.csv'), HEADER + recs(['b']));
    const notes: string[] = [];
    const paths = resolveInputPaths([d], notes);
    expect(paths).toHaveLength(4); // nothing dropped
    expect(notes).toEqual([
      `${d}: two accounting streams share b records, acct (acct.csv, acct-*) and bounces (bounces.csv, bounces-*): two <acct-file> blocks of PowerMTA's config write into this directory, and reading all of it counts those records twice. Name one stream instead: ${join(d, 'acct.csv')} '${join(d, 'acct-*')}'`,
    ]);
  });

  it('says nothing for streams of different types, for one stream, and for files named one by one', () => {
    const d = scratch();
    writeFileSync(join(d, 'acct.csv'), HEADER + recs(['d', 'b']));
    writeFileSync(join(d, 'acct-2026-11-28-0000.csv'), HEADER + recs(['d', 'b']));
    writeFileSync(join(d, 'diag.csv'), HEADER + recs(['t', 'tq']));
    expect(overlappingStreams(d, resolveInputPaths([d]))).toBeNull();
    const one = scratch();
    writeFileSync(join(one, 'acct.csv'), HEADER + recs(['d', 'b']));
    writeFileSync(join(one, 'acct-2026-11-28-0000.csv'), HEADER + recs(['d', 'b']));
    expect(overlappingStreams(one, resolveInputPaths([one]))).toBeNull();
    writeFileSync(join(d, 'bounces.csv'), HEADER + recs(['b']));
    writeFileSync(join(d, 'bounces-2026-11-28-0000.csv'), HEADER + recs(['b']));
    const notes: string[] = [];
    resolveInputPaths([join(d, 'acct.csv'), join(d, 'bounces.csv')], notes);
    expect(notes).toEqual([]);
    // files that are no config's output (no rotated name): a directory of test cases or exports
    const loose = scratch();
    writeFileSync(join(loose, 'monday.csv'), HEADER + recs(['d', 'b']));
    writeFileSync(join(loose, 'tuesday.csv'), HEADER + recs(['d', 'b']));
    expect(overlappingStreams(loose, resolveInputPaths([loose]))).toBeNull();
  });
});
