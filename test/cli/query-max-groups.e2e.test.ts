import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * query --group-by rcpt,bucket over 10 M rows made a group of nearly every record and ended after
 * 15 minutes in "FATAL ERROR: Reached heap limit" (exit 134, 11 GB). Past --max-groups (default
 * 2,000,000) a run stops with a message that says what to do; up to it, every group is counted.
 * The sample day has 5,683 distinct recipients in 4 files of at most 1,770 records.
 */
const DISTINCT_RCPT = 5683;

function groups(args: readonly string[]): number {
  const r = runCli(['query', 'samples/', '--group-by', 'rcpt', '--format', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { groups: unknown[] }).groups.length;
}

describe('query --max-groups', () => {
  it('counts every group up to the limit', () => {
    expect(groups([])).toBe(DISTINCT_RCPT);
    expect(groups(['--max-groups', String(DISTINCT_RCPT)])).toBe(DISTINCT_RCPT);
  });

  for (const [what, max] of [
    ['while a file is read', 1000],
    ['when the files are merged (each below the limit)', DISTINCT_RCPT - 1],
  ] as const) {
    it(`stops past the limit, ${what}, with exit 3 and what to do`, () => {
      for (const workers of ['1', '2']) {
        const r = runCli([
          'query',
          'samples/',
          '--group-by',
          'rcpt',
          '--max-groups',
          String(max),
          '--workers',
          workers,
          '--format',
          'json',
        ]);
        expect(r.code).toBe(3);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          `pmta-acct: more than ${max.toLocaleString('en-US')} groups by rcpt (about 1 KB of memory each, per thread): ask a narrower question (--where, --since/--until, fewer --group-by fields, a larger --bucket), or raise --max-groups if the memory is there\n`,
        );
      }
    });
  }

  it('names the bucket among the fields, and is refused with --select', () => {
    const r = runCli(['query', 'samples/', '--group-by', 'rcpt,bucket', '--max-groups', '10', '--format', 'csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('more than 10 groups by bucket, rcpt ');
    const s = runCli(['query', 'samples/', '--select', 'rcpt', '--max-groups', '10']);
    expect(s.code).toBe(3);
    expect(s.stderr).toContain('--max-groups are about groups: with --select, use --limit');
  });

  it('the table says how many groups it leaves out, as a count', () => {
    const r = runCli(['query', 'samples/', '--group-by', 'rcpt', '--top', '2', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`\n  ... ${(DISTINCT_RCPT - 2).toLocaleString('en-US')} more keys (use --top or --format json)\n`);
  });
});
