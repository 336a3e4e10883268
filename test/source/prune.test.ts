import { describe, expect, it } from 'vitest';
import { fileBounds, pruneByName } from '../../src/source/prune.js';

const at = (iso: string) => Date.parse(iso) / 1000;

const FILES = [
  'logs/acct-2026-11-27-0000.csv',
  'logs/acct-2026-11-28-0000.csv.gz',
  'logs/acct-2026-11-28-0001.csv',
  'logs/acct-2026-11-29-0000.csv',
  'logs/diag-2026-11-27-0000.csv',
  'logs/other.csv',
  'old/acct-2026-11-28-0002.csv',
  '-',
];

describe('pruning rotated files by name', () => {
  it('bounds a file from its own date (UTC+14, an hour of slack) to the next file of its series (UTC-12, an hour of slack)', () => {
    const b = fileBounds(FILES);
    expect(b.get('logs/acct-2026-11-28-0000.csv.gz')).toEqual({ lower: at('2026-11-27T09:00:00Z'), upper: at('2026-11-29T13:00:00Z') });
    expect(b.get('logs/acct-2026-11-28-0001.csv')).toEqual({ lower: at('2026-11-27T09:00:00Z'), upper: at('2026-11-30T13:00:00Z') });
    // the last file of a series may still be written to: no upper bound
    expect(b.get('logs/acct-2026-11-29-0000.csv')?.upper).toBe(Number.POSITIVE_INFINITY);
    // another stem, another directory: other series
    expect(b.get('logs/diag-2026-11-27-0000.csv')?.upper).toBe(Number.POSITIVE_INFINITY);
    expect(b.get('old/acct-2026-11-28-0002.csv')?.upper).toBe(Number.POSITIVE_INFINITY);
    expect(b.has('logs/other.csv')).toBe(false);
  });

  it('keeps everything without a range', () => {
    expect(pruneByName(FILES, null, null)).toEqual({ kept: FILES, pruned: [] });
  });

  it('--until drops files started after it, in any UTC offset', () => {
    const r = pruneByName(FILES, null, at('2026-11-28T00:00:00Z'));
    expect(r.pruned).toEqual(['logs/acct-2026-11-29-0000.csv']);
    // a file named for the 28th may hold events from 2026-11-27T10:00Z (midnight at UTC+14)
    expect(pruneByName(FILES, null, at('2026-11-27T10:00:00Z')).kept).toContain('logs/acct-2026-11-28-0001.csv');
    expect(pruneByName(FILES, null, at('2026-11-27T09:00:00Z')).pruned).toContain('logs/acct-2026-11-28-0001.csv');
  });

  it('--since drops files whose series moved on to a later file before it', () => {
    const r = pruneByName(FILES, at('2026-11-29T14:00:00Z'), null);
    expect(r.pruned).toEqual(['logs/acct-2026-11-27-0000.csv', 'logs/acct-2026-11-28-0000.csv.gz']);
    expect(r.kept).toEqual(FILES.filter((f) => !r.pruned.includes(f)));
    // the 28th's first file may hold events until the 29th's... 28th 23:59 at UTC-12 is 2026-11-29T11:59Z
    expect(pruneByName(FILES, at('2026-11-29T11:59:00Z'), null).kept).toContain('logs/acct-2026-11-28-0000.csv.gz');
  });

  it('never prunes stdin or files without a rotated name', () => {
    const r = pruneByName(FILES, at('2030-01-01T00:00:00Z'), at('2030-01-02T00:00:00Z'));
    expect(r.kept).toEqual([
      'logs/acct-2026-11-29-0000.csv',
      'logs/diag-2026-11-27-0000.csv',
      'logs/other.csv',
      'old/acct-2026-11-28-0002.csv',
      '-',
    ]);
  });
});
