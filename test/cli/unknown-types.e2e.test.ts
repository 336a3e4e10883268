/**
 * Records of a type pmta-acct does not know are not counted, and never silently: the table and
 * Markdown say so in their notes, JSON counts them in input.unknownTypes, and every format that
 * has no place for it (CSV, JSON, query's groups) says it on stderr.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const file = join(mkdtempSync(join(tmpdir(), 'pmta-unknown-')), 'acct.csv');
writeFileSync(
  file,
  'type,timeLogged,rcpt\nd,2026-11-28 02:00:05-0500,a@gmail.com\nzz,2026-11-28 02:00:06-0500,b@gmail.com\nzz,2026-11-28 02:00:07-0500,c@gmail.com\n',
);

describe('records of an unknown type', () => {
  it('are named on stderr after CSV and JSON, with where to see them', () => {
    const csv = runCli(['report', file, '--format', 'csv', '--no-verdicts']);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toBe(
      "pmta-acct: records of a type pmta-acct does not know were not counted: 2 of type 'zz'; --format json counts them in input.unknownTypes\n",
    );
    const json = runCli(['query', file, '--group-by', 'isp', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toContain("2 of type 'zz'; see input.unknownTypes");
    expect((JSON.parse(json.stdout) as { input: { unknownTypes: Record<string, number> } }).input.unknownTypes).toEqual({ zz: 2 });
  });

  it('are in the notes of the table and of Markdown', () => {
    const table = runCli(['report', file, '--format', 'table', '--no-verdicts']);
    expect(table.stdout).toContain("2 records of unknown type 'zz' were not counted.");
    const md = runCli(['report', file, '--format', 'md', '--no-verdicts']);
    expect(md.stdout).toContain("- 2 records of unknown type 'zz' were not counted.");
  });
});
