/**
 * tail given two live files whose <acct-file> blocks write the same record type (all records in
 * acct.csv, b again in bounces.csv): it says that those records are counted twice, naming both
 * files and the types; live files that split the types (d,b and t,tq) add up without a word.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rows, writeAcctIn } from '../helpers/acct.js';
import { runCli } from '../helpers/cli.js';
import { at } from '../helpers/rollup.js';

const dir = mkdtempSync(join(tmpdir(), 'pmta-tail-streams-'));
const bounces = rows(5, 'b', at(11, 10), { rcpt: 'b@gmail.com', bounceCat: 'bad-mailbox' });
const acct = writeAcctIn(dir, 'acct.csv', [...rows(20, 'd', at(11), { rcpt: 'a@gmail.com' }), ...bounces]);
const bounceFile = writeAcctIn(dir, 'bounces.csv', bounces);
const diag = writeAcctIn(dir, 'diag.csv', rows(4, 't', at(11, 20), { rcpt: 'c@gmail.com' }));
const delivered = writeAcctIn(dir, 'delivered.csv', rows(3, 'd', at(11, 30), { rcpt: 'd@gmail.com' }));

function tailOnce(...lives: string[]) {
  const state = join(mkdtempSync(join(tmpdir(), 'pmta-tail-streams-state-')), 's');
  return runCli(['tail', ...lives, '--once', '--from', 'beginning', '--state', state, '--format', 'none']);
}

describe('tail over live files that share record types', () => {
  it('warns that the shared records are counted twice, naming both files', () => {
    const r = tailOnce(acct, bounceFile);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${acct} and ${bounceFile} both hold b records: tail counts every file it follows`);
  });

  it('says nothing when the files split the record types', () => {
    const r = tailOnce(delivered, diag);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('both hold');
  });
});
