import { describe, expect, it } from 'vitest';
import { PmtaAcctError } from '../../src/errors.js';
import { FATAL_FAULTS, faultKind, stateFault, StateFaultError, withStateFaults } from '../../src/state/state-faults.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('state faults', () => {
  it('sorts SQLite and file-system codes into the kinds the user is told about', () => {
    expect(faultKind(coded('SQLITE_CORRUPT'))).toBe('damaged');
    expect(faultKind(coded('SQLITE_CORRUPT_INDEX'))).toBe('damaged');
    expect(faultKind(coded('SQLITE_NOTADB'))).toBe('not-a-database');
    expect(faultKind(coded('SQLITE_READONLY_DBMOVED'))).toBe('moved');
    expect(faultKind(coded('SQLITE_BUSY'))).toBe('busy');
    expect(faultKind(coded('SQLITE_LOCKED_SHAREDCACHE'))).toBe('busy');
    expect(faultKind(coded('SQLITE_READONLY'))).toBe('read-only');
    expect(faultKind(coded('EROFS'))).toBe('read-only');
    expect(faultKind(coded('SQLITE_FULL'))).toBe('full');
    expect(faultKind(coded('ENOSPC'))).toBe('full');
    expect(faultKind(coded('SQLITE_CANTOPEN'))).toBe('missing');
    expect(faultKind(coded('SQLITE_IOERR_FSYNC'))).toBe('io');
    expect(faultKind(coded('SQLITE_ERROR'))).toBe('refused');
    expect(faultKind(coded('ERR_SOMETHING_ELSE'))).toBeNull();
    expect(faultKind(new Error('no code'))).toBeNull();
    expect(faultKind('a string')).toBeNull();
  });

  it('makes one line that names the directory and the remedy; a bug stays a bug', () => {
    const e = stateFault('/var/lib/x', 'commit failed', coded('SQLITE_CORRUPT', 'database disk image is malformed'));
    expect(e).toBeInstanceOf(StateFaultError);
    const f = e as StateFaultError;
    expect(f.code).toBe('STATE');
    expect(f.kind).toBe('damaged');
    expect(f.message).toMatch(
      /^state \/var\/lib\/x: commit failed: the state database is damaged \(database disk image is malformed\); .*pmta-acct tail --once --from/,
    );
    expect(f.message).not.toContain('\n');
    const bug = new TypeError('x is undefined');
    expect(stateFault('/d', 'reading', bug)).toBe(bug);
    const usage = new PmtaAcctError('USAGE', 'bad');
    expect(stateFault('/d', 'reading', usage)).toBe(usage);
    expect(() =>
      withStateFaults('/d', 'reading', () => {
        throw coded('SQLITE_FULL', 'database or disk is full');
      }),
    ).toThrow(/state \/d: reading: the disk holding the state is full/);
    expect(withStateFaults('/d', 'reading', () => 7)).toBe(7);
  });

  it('stops tail only for what a retry cannot mend', () => {
    expect([...FATAL_FAULTS].sort()).toEqual(['damaged', 'moved', 'not-a-database']);
  });
});
