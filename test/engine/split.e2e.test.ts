import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * A file built to trip byte-range splitting: quoted fields with line breaks (a split can land
 * inside a record), header rows that change the column order mid-file (a range must be re-read
 * with the header in effect at its start), bad records (line numbers must stay exact).
 */
function trickyFile(rows: number): string {
  const headers = ['type,timeLogged,rcpt,dlvSourceIp,dsnDiag,bounceCat', 'type,rcpt,timeLogged,bounceCat,dsnDiag,dlvSourceIp'];
  const out: string[] = [headers[0]];
  let layout = 0;
  const isps = ['gmail.com', 'yahoo.com', 'hotmail.com', 'gmx.de', 'bücher.de'];
  for (let i = 0; i < rows; i++) {
    if (i % 997 === 500) {
      layout = 1 - layout;
      out.push(headers[layout]);
    }
    const type = ['d', 'd', 'd', 't', 'b'][i % 5];
    const time = `2026-11-28 ${String(Math.floor(i / 400) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00-0500`;
    const rcpt = `u${i}@${isps[i % isps.length]}`;
    const ip = `203.0.113.${10 + (i % 7)}`;
    const diag = i % 3 === 0 ? `"smtp;421-4.7.0 line one, ""x""\r\nline two ${i}"` : `smtp;250 ok ${i}`;
    const cat = type === 'b' ? (i % 2 ? 'bad-mailbox' : 'spam-related') : '';
    let row = layout === 0 ? [type, time, rcpt, ip, diag, cat] : [type, rcpt, time, cat, diag, ip];
    if (i % 1499 === 7) row = [type, 'not a time', rcpt, ip, diag, cat];
    if (i % 2003 === 11) row = [type, time, rcpt, ip, '"unterminated', cat];
    out.push(row.join(','));
  }
  return `${out.join('\r\n')}\r\n`;
}

describe('splitting a file over threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-split-'));
  const file = join(dir, 'acct-2026-11-28-0000.csv');
  writeFileSync(file, trickyFile(12000));

  it('gives the same report with 1 thread, N threads, any range size and any chunk size', () => {
    const run = (...extra: string[]) => {
      const r = runCli(['report', '--format', 'json', '--by', 'isp,ip,bounceCat', '--bucket', '1h', file, ...extra]);
      // 0-2: the verdicts' status (they must not depend on threads either); 3 would be a failure.
      expect(r.code, r.stderr).toBeLessThan(3);
      return r.stdout;
    };
    const base = run('--workers', '1');
    const parsed = JSON.parse(base) as { input: { records: number; badRecords: number; problems: { line: number }[] } };
    expect(parsed.input.badRecords).toBeGreaterThan(5);
    for (const args of [
      ['--workers', '2', '--min-range', '4096'],
      ['--workers', '3', '--min-range', '1000'],
      ['--workers', '4', '--min-range', '777', '--chunk-size', '513'],
      ['--workers', '1', '--chunk-size', '97'],
      ['--workers', '2', '--min-range', '20000', '--chunk-size', '4096'],
    ]) {
      expect(run(...args), args.join(' ')).toBe(base);
    }
  });
});
