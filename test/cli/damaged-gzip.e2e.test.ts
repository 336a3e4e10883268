import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * An archived .gz cut short (a copy that did not finish, a full disk): the records before the cut
 * are counted, and the record the cut went through is not. It was counted, padded with empty
 * cells: a hard bounce whose bounceCat was cut off counted as a soft bounce.
 */
const dir = mkdtempSync(join(tmpdir(), 'pmta-acct-damaged-gzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDS = 200;
let text = 'type,timeLogged,rcpt,dsnDiag,bounceCat\n';
for (let i = 0; i < RECORDS; i++)
  text += `b,2026-11-28 08:${String(i % 60).padStart(2, '0')}:00+0000,u${i}@gmail.com,smtp;550 5.1.1 no such user,bad-mailbox\n`;
const gz = gzipSync(text, { level: 0 });

/** The longest prefix of the .gz whose text ends just before a record's bounceCat. */
function cutBeforeCategory(): { bytes: Buffer; prefix: string } {
  for (let cut = gz.length - 1; cut > 0; cut--) {
    const prefix = gunzipSync(gz.subarray(0, cut), { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    if (prefix.endsWith('no such user,')) return { bytes: gz.subarray(0, cut), prefix };
  }
  throw new Error('no cut found');
}

const { bytes, prefix } = cutBeforeCategory();
const path = join(dir, 'acct-2026-11-28-0003.csv.gz');
writeFileSync(path, bytes);
/** Whole records before the cut, the line and byte where the cut record starts. */
const whole = prefix.slice(0, prefix.lastIndexOf('\n') + 1);
const complete = whole.split('\n').length - 2;
const cutLine = complete + 2;
const cutByte = Buffer.byteLength(whole);

interface Doc {
  input: {
    records: number;
    counted: number;
    badRecords: number;
    problems: { code: string; file: string; line: number; byte: number; message: string }[];
  };
  total: { bounced: number; hardBounced: number; softBounced: number };
}

describe('a truncated .gz in the archives', () => {
  it('query and report count the records before the cut, not the one cut short, and say where', () => {
    expect(complete).toBeGreaterThan(100);
    expect(complete).toBeLessThan(RECORDS);
    for (const args of [
      ['query', path, '--format', 'json'],
      ['report', path, '--format', 'json', '--no-verdicts'],
    ]) {
      const r = runCli(args);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as Doc;
      expect(doc.input.records).toBe(complete);
      expect(doc.total).toMatchObject({ bounced: complete, hardBounced: complete, softBounced: 0 });
      expect(doc.input.problems).toHaveLength(1);
      expect(doc.input.problems[0]).toMatchObject({ code: 'CORRUPT_INPUT', file: path, line: cutLine, byte: cutByte });
      expect(doc.input.problems[0].message).toContain(
        `the ${Buffer.byteLength(prefix) - cutByte} bytes of the record cut short here are not`,
      );
      expect(r.stderr).toContain(`${path}:${cutLine}`);
    }
  });

  it('query --select prints the records before the cut, not the one cut short', () => {
    const r = runCli(['query', path, '--select', 'rcpt,bounceCat', '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(complete + 1);
    expect(lines.at(-1)).toBe(`u${complete - 1}@gmail.com,bad-mailbox`);
    // where it stopped, as after groups (the select JSON has input.problems too)
    expect(r.stderr).toBe(`pmta-acct: 1 bad record (first: ${path}:${cutLine}); --format json lists them in input.problems\n`);
  });
});
