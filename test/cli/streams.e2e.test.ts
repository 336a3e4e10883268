/**
 * Two <acct-file> streams in one directory (all records in acct-*, the b records again in
 * bounces-*): report DIR says that it counts the bounces twice and what to name instead, and
 * drops nothing; naming the one stream counts each record once, without a word.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rows, writeAcctIn } from '../helpers/acct.js';
import { reportJson, runCli } from '../helpers/cli.js';
import { at } from '../helpers/rollup.js';

const dir = mkdtempSync(join(tmpdir(), 'pmta-streams-'));
const bounces = rows(5, 'b', at(11, 10), { rcpt: 'b@gmail.com', bounceCat: 'bad-mailbox' });
const all = writeAcctIn(dir, 'acct-2026-11-28-0000.csv', [...rows(20, 'd', at(11), { rcpt: 'a@gmail.com' }), ...bounces]);
writeAcctIn(dir, 'bounces-2026-11-28-0000.csv', bounces);

describe('report over a directory of two overlapping streams', () => {
  it('warns on stderr, naming both stems and the files to give instead; counts what it read', () => {
    const r = runCli(['report', dir, '--format', 'json', '--no-verdicts']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${dir}: two accounting streams share b records, acct (acct-*) and bounces (bounces-*)`);
    expect(r.stderr).toContain(`Name one stream instead: '${join(dir, 'acct-*')}'`);
    const j = JSON.parse(r.stdout) as { input: { files: number; records: number } };
    expect(j.input).toMatchObject({ files: 2, records: 30 });
  });

  it('counts each record once, without a warning, when one stream is named', () => {
    const r = runCli(['report', all, '--format', 'json', '--no-verdicts']);
    expect(r.stderr).toBe('');
    expect(reportJson([all, '--no-verdicts']).input).toMatchObject({ files: 1, records: 25 });
  });
});

describe('check over a directory of two overlapping streams', () => {
  it("says it on a note: line above the input line and in notes (monitoring shows only stdout); the status is the verdicts'", () => {
    const r = runCli(['check', dir, '--at', '2026-11-28 12:00']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toBe(
      `note: ${dir}: two accounting streams share b records, acct (acct-*) and bounces (bounces-*): two <acct-file> blocks of PowerMTA's config write into this directory, and reading all of it counts those records twice. Name one stream instead: '${join(dir, 'acct-*')}'`,
    );
    expect(lines.at(-1)).toMatch(/^input: 2 files, 30 records, 0 bad;/);
    expect(r.stderr).toBe('');
    const j = JSON.parse(runCli(['check', dir, '--at', '2026-11-28 12:00', '--format', 'json']).stdout) as {
      exitCode: number;
      notes: string[];
    };
    expect(j.exitCode).toBe(r.code);
    expect(j.notes).toEqual([lines.at(-2)?.slice('note: '.length)]);
  });

  it('says nothing when one stream is named', () => {
    const r = runCli(['check', all, '--at', '2026-11-28 12:00', '--format', 'json']);
    expect((JSON.parse(r.stdout) as { notes: string[] }).notes).toEqual([]);
    expect(runCli(['check', all, '--at', '2026-11-28 12:00']).stdout).not.toContain('note:');
  });
});
