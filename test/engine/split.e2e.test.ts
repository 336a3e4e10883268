import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * A file built to trip byte-range splitting: quoted fields with line breaks (a split can land
 * inside a record), header rows that change the column order mid-file (a range must be re-read
 * with the header in effect at its start), bad records (line numbers must stay exact).
 */
function trickyFile(rows: number, unterminated = true, badFrom = 0): string {
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
    if (i >= badFrom && i % 1499 === 7) row = [type, 'not a time', rcpt, ip, diag, cat];
    if (i >= badFrom && unterminated && i % 2003 === 11) row = [type, time, rcpt, ip, '"unterminated', cat];
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

  it('takes the worker the bin started before the CLI (prestart.ts), and starts none for one thread', () => {
    const args = ['report', '--format', 'json', '--no-verdicts', '--by', 'isp,ip', '--bucket', '1h', file];
    const traced = (...extra: string[]) => runCli([...args, ...extra], { env: { PMTA_ACCT_TRACE: '1' } });
    const one = traced('--workers', '1');
    const two = traced('--workers', '2', '--min-range', '65536');
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/^trace main [\d.]+ cpu \S+ pool: \d+ tasks, 1 workers, the first prestarted$/m);
    expect(one.stderr).toMatch(/pool: 1 tasks, 0 workers$/m);
    expect(one.stderr).not.toMatch(/trace worker|prestarted/);
    // At the end, every thread's CPU: the main thread's, then the others' (on Linux, where /proc says).
    if (process.platform === 'linux')
      expect(two.stderr).toMatch(/^trace main [\d.]+ cpu \d+ threads' cpu: main \d+, others ([\d ]+|none)$/m);
    expect(two.stdout).toBe(one.stdout);
    // Without --workers, a file this small is read on one thread: a worker would cost more than it takes over (thread-count.ts).
    const auto = traced('--min-range', '65536');
    expect(auto.stderr).toMatch(/^trace main [\d.]+ cpu \S+ run: 1 of \d+ threads pay$/m);
    expect(auto.stderr).not.toMatch(/trace worker|prestarted/);
    expect(auto.stdout).toBe(one.stdout);
  });

  it('stops at the same bad record with --strict, its line counted from the start of the file, whatever the threads', () => {
    // the first bad record far into the file: in a range that is not the first
    const late = join(dir, 'acct-2026-11-28-0003.csv');
    writeFileSync(late, trickyFile(12000, true, 9000));
    const strict = (...extra: string[]) => {
      const r = runCli(['report', '--format', 'json', '--strict', late, ...extra]);
      expect(r.code).toBe(3);
      return r.stderr;
    };
    const one = strict('--workers', '1');
    const row = 9000 + ((((7 - 9000) % 1499) + 1499) % 1499);
    // a header row every 997 rows and a second line in every third row before it
    const line = 2 + row + Math.ceil(row / 3) + Math.floor((row - 500) / 997) + 1;
    expect(one).toContain(`acct-2026-11-28-0003.csv:${line} (byte`);
    expect(strict('--workers', '2', '--min-range', '4096')).toBe(one);
    expect(strict('--workers', '3', '--min-range', '777', '--chunk-size', '513')).toBe(one);
  });

  it('gives the same counts from the gzipped file and from the file cut into rotated pieces', () => {
    // no unterminated quotes here: where a file ends changes how far one reaches
    const text = trickyFile(12000, false);
    const single = join(dir, 'acct-2026-11-28-0002.csv');
    writeFileSync(single, text);
    const gz = join(dir, 'acct-2026-11-28-0001.csv.gz');
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    const rotated = join(dir, 'rotated');
    mkdirSync(rotated);
    // cut at line ends outside quoted fields, each piece starting with the header in effect
    const lines = text.split('\r\n');
    const pieces: string[][] = [[]];
    let header = lines[0];
    let open = false;
    for (const line of lines.slice(0, -1)) {
      const current = pieces[pieces.length - 1];
      if (!open && line.startsWith('type,')) header = line;
      else if (!open && current.length > 1500) pieces.push([header]);
      pieces[pieces.length - 1].push(line);
      if ((line.split('"').length - 1) % 2 === 1) open = !open;
    }
    pieces.forEach((p, i) => {
      const name = join(rotated, `acct-2026-11-28-${String(i).padStart(4, '0')}.csv`);
      const body = Buffer.from(`${p.join('\r\n')}\r\n`);
      if (i % 3 === 0) writeFileSync(`${name}.gz`, gzipSync(body));
      else writeFileSync(name, body);
    });
    const counts = (...args: string[]) => {
      const r = runCli(['report', '--format', 'json', '--exit-zero', '--by', 'isp,ip,bounceCat', '--bucket', '1h', ...args]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { total: unknown; groups: unknown; input: { badRecords: number; problems: unknown[] } };
      return { total: j.total, groups: j.groups, bad: j.input.badRecords, problems: j.input.problems };
    };
    const plain = counts(single);
    const countsOnly = (c: typeof plain) => ({ total: c.total, groups: c.groups, bad: c.bad });
    const plainCounts = countsOnly(plain);
    expect(countsOnly(counts(gz, '--chunk-size', '3001'))).toEqual(plainCounts);
    // a thread reads its .gz alongside plain pieces, a block at a time (thread-loop.ts): the same
    // counts and the same problems (file, line, byte), on one thread or two
    const two = counts(rotated, '--workers', '2');
    expect(countsOnly(two)).toEqual(plainCounts);
    expect(counts(rotated, '--workers', '1', '--chunk-size', '3001')).toEqual(two);
    expect(plain.bad).toBeGreaterThan(3);
  });
});
