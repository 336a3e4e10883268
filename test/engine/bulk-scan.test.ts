/**
 * The reader's bulk scan (times and key cells read in WebAssembly, RecordSink.scanColumns) is an
 * optimization only: a rollup counted with it equals one counted without it, whatever the chunk
 * size, with header rows that move the columns mid-file, and with cells the fast paths leave to
 * JavaScript (quoted, upper case, non-ASCII, other time formats, a missing rcpt). The verdict rollup
 * counts the same whether a record finds its group through the main rollup's group or its own key.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSingleFile } from '../../bench/generate.js';
import { RollupSink } from '../../src/engine/rollup-sink.js';
import type { EngineOptions } from '../../src/engine/options.js';
import { RecordReader, type RecordSink } from '../../src/parse/reader.js';
import { ScannerPool } from '../../src/parse/scanner.js';
import { STRIDE } from '../../src/rollup/counters.js';
import type { Rollup } from '../../src/rollup/rollup.js';

const OPTIONS: EngineOptions = {
  dims: ['isp', 'ip', 'vmta'],
  bucket: '1h',
  tz: 'UTC',
  since: null,
  until: null,
  hardCategories: ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'],
  isps: {},
  header: null,
  strict: false,
  keepProblems: 50,
  chunkSize: 1 << 20,
  maxRecordBytes: 128 * 1024,
  maxRecordLines: 32,
  windows: { dims: ['isp', 'ip'], bucket: '5m', since: null, until: null, horizon: 86_400 },
};

let dir = '';
let text = '';

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pmta-bulk-'));
  await writeSingleFile(join(dir, 'day.csv'), { rows: 6000 });
  const rows = parse(await readFile(join(dir, 'day.csv'), 'utf8'), { relax_column_count: true }) as string[][];
  const header = rows[0];
  const col = (name: string) => header.indexOf(name);
  // the second half under a header that moves every column the scan reads
  const order = header.map((_, i) => i).reverse();
  order.splice(order.indexOf(0), 1);
  order.unshift(0);
  /** The row with odd cells, and the columns to quote although they need not be. */
  const odd = (row: string[], i: number): { r: string[]; force: Set<number> } => {
    const r = [...row];
    const force = new Set<number>();
    if (i % 7 === 0) r[col('rcpt')] = r[col('rcpt')].toUpperCase();
    if (i % 13 === 0) r[col('rcpt')] = r[col('rcpt')].replace(/@.*/, '@b\u00fccher.DE');
    if (i % 11 === 0) force.add(col('rcpt'));
    if (i % 17 === 0) r[col('rcpt')] = '';
    if (i % 19 === 0) r[col('timeLogged')] = r[col('timeLogged')].replace(' ', 'T').replace(/-0500$/, '-05:00');
    if (i % 23 === 0) r[col('timeLogged')] = r[col('timeLogged')].replace(/(:\d\d)-/, '$1.125-');
    if (i % 29 === 0) force.add(col('dlvSourceIp'));
    if (i % 31 === 0) r[col('timeQueued')] = 'not a time';
    if (i % 37 === 0) r[col('timeLogged')] = 'not a time either';
    return { r, force };
  };
  const line = (r: string[], force: Set<number> = new Set()) =>
    r.map((c, k) => (force.has(k) ? `"${c.replaceAll('"', '""')}"` : csvCell(c))).join(',');
  const half = rows.length >> 1;
  const out = [line(header)];
  rows.slice(1, half).forEach((row, i) => {
    const { r, force } = odd(row, i);
    out.push(line(r, force));
  });
  out.push(line(order.map((i) => header[i])));
  rows.slice(half).forEach((row, i) => {
    const { r, force } = odd(row, i);
    out.push(
      line(
        order.map((k) => r[k] ?? ''),
        new Set(order.flatMap((k, at) => (force.has(k) ? [at] : []))),
      ),
    );
  });
  text = `${out.join('\n')}\n`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every group of a rollup as a sorted list of (bucket, values, counters, histogram). */
function rowsOf(r: Rollup): string[] {
  const d = r.toData();
  const out: string[] = [];
  for (let g = 0; g < d.groups; g++) {
    const key = [r.bucketOf(g), ...r.dims.map((_, k) => r.valueOf(g, k))];
    const slot = d.histSlots[g];
    const hist = slot < 0 ? [] : [...d.hist.slice(slot * 176, slot * 176 + 176)];
    out.push(JSON.stringify([key, [...d.counters.slice(g * STRIDE, (g + 1) * STRIDE)], hist]));
  }
  return out.sort();
}

function count(bulk: boolean, chunkSize: number): { main: string[]; windows: string[]; problems: string } {
  const sink = new RollupSink(OPTIONS);
  const plain: RecordSink = { header: (h) => sink.header(h), record: (v) => sink.record(v) };
  const reader = new RecordReader(bulk ? sink : plain, sink.problems, { file: 'day.csv', chunkSize });
  reader.write(Buffer.from(text, 'utf8'));
  reader.finish();
  return { main: rowsOf(sink.rollup), windows: rowsOf(sink.windows as Rollup), problems: JSON.stringify(sink.problems.summary()) };
}

describe('bulk scan', () => {
  it('counts exactly what the JavaScript paths count, for any chunk size', () => {
    const plain = count(false, 1 << 20);
    expect(plain.main.length).toBeGreaterThan(100);
    for (const chunk of [1 << 20, 64 * 1024, 4096, 977]) {
      const bulk = count(true, chunk);
      expect(bulk.main).toEqual(plain.main);
      expect(bulk.windows).toEqual(plain.windows);
      expect(bulk.problems).toBe(plain.problems);
      expect(bulk.problems).toContain('BAD_TIME');
      expect(bulk.problems).not.toContain('QUOTE');
    }
  });
});

describe('a scanner pool', () => {
  it('hands a reader a scanner emptied by the one before: the same counts as fresh scanners', () => {
    // Two inputs whose values come in other orders (the second half moves every column): the
    // second reader's interned ids mean other values than the first's.
    const lines = text.split('\n');
    const half = lines.findIndex((l, i) => i > 0 && l.startsWith('type,'));
    const parts = [lines.slice(0, half).join('\n') + '\n', lines.slice(half).join('\n')];
    const run = (pool: ScannerPool | undefined) => {
      const sink = new RollupSink(OPTIONS);
      for (const [i, part] of parts.entries()) {
        const reader = new RecordReader(sink, sink.problems, { file: `part${i}.csv`, chunkSize: 64 * 1024, scanners: pool });
        reader.write(Buffer.from(part, 'utf8'));
        reader.finish();
        reader.release();
      }
      return { main: rowsOf(sink.rollup), windows: rowsOf(sink.windows as Rollup) };
    };
    const pool = new ScannerPool();
    const pooled = run(pool);
    expect(pooled.main).toEqual(run(undefined).main);
    expect(pooled.windows).toEqual(run(undefined).windows);
    // and it was the same scanner, emptied in between
    const a = pool.take(1024, 32);
    const generation = a.generation;
    pool.give(a);
    const b = pool.take(1024, 32);
    expect(b).toBe(a);
    expect(b.generation).toBe(generation + 1);
    expect(pool.take(2048, 32)).not.toBe(a);
  });
});

describe('the verdict rollup', () => {
  it('counts the same whether a record finds its verdict group through its main group or through its own key', () => {
    // main key (isp, ip, vmta) holds the verdict key (isp, ip): shared; (vmta) alone does not
    const count = (dims: string[], takeEvery: number) => {
      const sink = new RollupSink({ ...OPTIONS, dims });
      let n = 0;
      const sinkWithDeltas: RecordSink = {
        header: (h) => sink.header(h),
        record: (v) => {
          sink.record(v);
          // tail hands over the main rollup after each commit: its group ids start again
          if (++n % takeEvery === 0) sink.takeDelta();
        },
      };
      const reader = new RecordReader(sinkWithDeltas, sink.problems, { file: 'day.csv', chunkSize: 64 * 1024 });
      reader.write(Buffer.from(text, 'utf8'));
      reader.finish();
      return rowsOf(sink.windows as Rollup);
    };
    const own = count(['vmta'], Number.POSITIVE_INFINITY);
    expect(own.length).toBeGreaterThan(100);
    expect(count(['isp', 'ip', 'vmta'], Number.POSITIVE_INFINITY)).toEqual(own);
    expect(count(['ip', 'isp'], 97)).toEqual(own);
  });
});
