/**
 * The spool of `tail --stdin`: however standard input is cut into chunks, whenever the live spool
 * is cut off by size and whenever input is handed over, the spool files hold the stream's records
 * whole, each under the header that was in effect for it, and nothing else.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRotationNames } from '../../src/source/rotation-name.js';
import type { FileRow } from '../../src/source/file-row.js';
import { StdinSpool } from '../../src/app/tail/stdin-spool.js';
import { HEADER_LINE, pipeRows } from '../helpers/pipe.js';
import { scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-spool-');

/** Records as objects, each under the header row before it (rows whose first cell is `type` are headers). */
function records(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let names: string[] | null = null;
  for (const row of parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][]) {
    if (row[0].toLowerCase() === 'type') names = row;
    else out.push(Object.fromEntries((names ?? []).map((n, i) => [n, row[i] ?? ''])));
  }
  return out;
}

/** The spool files in the order tail reads them: rotated names by date and sequence, then the live one. */
function spoolFiles(state: string): string[] {
  const dir = join(state, 'spool');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'pipe.csv')
    .sort(compareRotationNames);
  return [...names, ...(existsSync(join(dir, 'pipe.csv')) ? ['pipe.csv'] : [])].map((n) => join(dir, n));
}

/** A stream as PowerMTA pipes it: a header, rows, a record-fields change (new column order), a multi-line quoted cell. */
function stream(root: string): string {
  const { lines } = pipeRows(join(root, 'rows'), 60, 5);
  const header = HEADER_LINE.trim().split(',');
  const order = [0, ...[...header.keys()].slice(1).reverse()];
  const reorder = (line: string) => {
    const [cells] = parse(line) as string[][];
    return `${order.map((k) => (/[",\r\n]/.test(cells[k]) ? `"${cells[k].replace(/"/g, '""')}"` : cells[k])).join(',')}\r\n`;
  };
  const multi = lines[10].replace('smtp;550 5.1.1 no such user', '"smtp;550-5.1.1 first line\r\n550 5.1.1 second line"');
  return (
    HEADER_LINE +
    lines.slice(0, 10).join('') +
    multi +
    lines.slice(11, 30).join('') +
    `${order.map((k) => header[k]).join(',')}\r\n` +
    lines.slice(30).map(reorder).join('')
  );
}

function cuts(bytes: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let at = 0; at < bytes;) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    at += 1 + (s % 900);
    out.push(Math.min(at, bytes));
  }
  return out;
}

describe('the stdin spool', () => {
  it('holds every record whole, under its header, whatever the chunks, size cuts and hand-overs', () => {
    const text = stream(scratch());
    const want = records(text);
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.integer({ min: 300, max: 6000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (seed, maxBytes, takeOverAt, handOverOften) => {
          const state = scratch();
          const spool = new StdinSpool(state, { maxBytes });
          let prev = 0;
          const pieces = cuts(bytes.length, seed);
          pieces.forEach((end, i) => {
            spool.append(bytes.subarray(prev, end));
            prev = end;
            if (!spool.holding && (handOverOften || i % 7 === 6)) spool.handOff();
            if (!spool.holding && i >= takeOverAt * pieces.length) spool.takeOver();
          });
          spool.close();
          const files = spoolFiles(state);
          for (const f of files.slice(0, -1)) expect(readFileSync(f, 'utf8').endsWith('\r\n'), f).toBe(true);
          for (const f of files) expect(readFileSync(f, 'utf8').slice(0, 5).toLowerCase(), f).toBe('type,');
          expect(files.flatMap((f) => records(readFileSync(f, 'utf8')))).toEqual(want);
          expect(readdirSync(join(state, 'spool')).filter((n) => n.startsWith('.'))).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('writes only complete records until the end of input, then the incomplete rest as it is', () => {
    const state = scratch();
    const spool = new StdinSpool(state, { maxBytes: 1 << 20 });
    spool.takeOver();
    spool.append(Buffer.from('type,rcpt\r\nd,a@x.example\r\nd,b@x.exa'));
    expect(readFileSync(spool.live, 'utf8')).toBe('type,rcpt\r\nd,a@x.example\r\n');
    expect(spool.pending).toBe(9);
    spool.end();
    expect(readFileSync(spool.live, 'utf8')).toBe('type,rcpt\r\nd,a@x.example\r\nd,b@x.exa');
    expect(spool.trailing).toBe(9);
    spool.close();
    // the next start cuts it off: this stream starts a file of its own
    const next = new StdinSpool(state, { maxBytes: 1 << 20 });
    next.takeOver();
    next.append(Buffer.from('type,rcpt\r\n'));
    next.close();
    expect(spoolFiles(state).map((f) => readFileSync(f, 'utf8'))).toEqual(['type,rcpt\r\nd,a@x.example\r\nd,b@x.exa', 'type,rcpt\r\n']);
  });

  it('a write that fails (disk full) keeps the input held, and says so', () => {
    const state = scratch();
    mkdirSync(join(state, 'spool'));
    symlinkSync('/dev/full', join(state, 'spool', 'pipe.csv'));
    const spool = new StdinSpool(state, { maxBytes: 1 << 20 });
    spool.takeOver();
    const input = 'type,rcpt\r\nd,a@x.example\r\nd,b@x';
    expect(() => spool.append(Buffer.from(input))).toThrow(/ENOSPC/);
    expect(spool.pending).toBe(input.length);
    expect(() => spool.retry()).toThrow(/ENOSPC/);
    expect(spool.pending).toBe(input.length);
  });

  it('never gives a name twice, and deletes only files read to their end and committed', () => {
    const state = scratch();
    let now = Date.UTC(2026, 10, 28, 10, 0, 0);
    const spool = new StdinSpool(state, { maxBytes: 20, now: () => now });
    spool.takeOver();
    spool.append(Buffer.from('type,rcpt\r\nd,a@x.example\r\nd,b@x.example\r\nd,c@x.example\r\n'));
    const [first, second] = spoolFiles(state);
    expect(first).toMatch(/pipe-2026-11-28-36000000\.csv$/);
    expect(second).toMatch(/pipe-2026-11-28-36000001\.csv$/);
    const row = (path: string, offset: number, state: FileRow['state'] = 'drained'): FileRow => {
      const st = statSync(path, { bigint: true });
      return {
        id: 1,
        dev: st.dev.toString(),
        ino: st.ino.toString(),
        fp: null,
        path,
        gz: false,
        state,
        offset,
        line: 1,
        size: offset,
        header: null,
        headerOffset: null,
        tailLen: 0,
        tailHash: null,
        firstSeen: 0,
        lastChange: 0,
        goneAt: null,
      };
    };
    const size = (p: string) => statSync(p).size;
    expect(spool.cleanup([row(first, size(first) - 1), row(second, size(second), 'rotated'), row(spool.live, size(spool.live))])).toEqual(
      [],
    );
    expect(spool.cleanup([row(first, size(first))])).toEqual([first]);
    expect(existsSync(first)).toBe(false);
    // a file not in the spool is never touched
    const elsewhere = join(state, 'pipe-2026-11-28-0000.csv');
    writeFileSync(elsewhere, 'type\r\n');
    expect(spool.cleanup([row(elsewhere, 6)])).toEqual([]);
    // the clock went back: names still only go up
    now -= 3600_000;
    spool.append(Buffer.from('d,d@x.example\r\nd,e@x.example\r\n'));
    const names = spoolFiles(state).map((f) => f.slice(f.lastIndexOf('/') + 1));
    expect(names.slice(-3)).toEqual(['pipe-2026-11-28-36000003.csv', 'pipe-2026-11-28-36000004.csv', 'pipe.csv']);
    spool.close();
  });
});
