import { describe, expect, it } from 'vitest';
import { buildModel, type ModelInput, type ReportModel } from '../../src/model/model.js';
import { csvPieces } from '../../src/render/csv.js';
import { queryJsonPieces, queryNdjsonPieces, type QueryInfo } from '../../src/render/query-json.js';
import { STRIDE } from '../../src/rollup/counters.js';
import { rollupOfSpecs, type GroupSpec } from '../helpers/rollup.js';

/**
 * query --group-by rcpt over weeks of archives makes millions of groups: as one string, its JSON
 * went past V8's 512 MiB limit ("internal error: RangeError: Invalid string length" after minutes
 * of reading, 2.1 M rows by rcpt,bucket). The outputs come in pieces, a group or a line each.
 */
function modelOf(n: number, hostile: string): ReportModel {
  const groups: GroupSpec[] = [];
  for (let i = 0; i < n; i++) {
    const counts = new Array<number>(STRIDE).fill(0);
    counts[0] = i + 1;
    counts[3] = i % 3;
    groups.push({ values: [`user${i}@example.com`, i === 3 ? hostile : 'tx'], bucket: i % 2, counts, latencies: [i % 17] });
  }
  const input: ModelInput = {
    rollup: rollupOfSpecs(['rcpt', 'vmta'], groups),
    stats: { records: n, counted: n, filtered: 0, untimed: 0, unknownTypes: {}, firstEvent: 1_764_288_000, lastEvent: 1_764_291_600 },
    files: 1,
    bytes: 10,
    badRecords: 0,
    warnings: 0,
    problemCounts: {},
    problems: [],
  };
  return buildModel(input, { by: ['rcpt', 'vmta'], bucket: '1h', since: null, until: null, tz: 'UTC', top: null, views: false });
}

const info: QueryInfo = { where: 'type = d', sort: null, unmatched: 3, pruned: ['acct-2026-11-01-0000.csv'] };
const HOSTILE = 'a "b",c\u2028\u202e|\nd';

interface Doc {
  version: number;
  where: string;
  input: { unmatched: number; prunedFiles: string[] };
  groups: { bucket: string; key: { rcpt: string; vmta: string }; delivered: number }[];
  omittedKeys: number;
}

describe('query groups written in pieces', () => {
  for (const n of [5, 3000]) {
    it(`JSON: ${n} groups, one document, no piece holding all of them`, () => {
      const m = modelOf(n, HOSTILE);
      const pieces = [...queryJsonPieces(m, info)];
      const text = pieces.join('');
      if (n > 2048) {
        expect(pieces.length).toBeGreaterThan(n);
        expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2000);
      }
      expect(text.endsWith('}\n')).toBe(true);
      // hostile text escaped as the documented jsonSafe does, and the document still parses to it
      expect(text).not.toMatch(/[\u2028\u202e]/);
      const doc = JSON.parse(text) as Doc;
      expect(doc.version).toBe(1);
      expect(doc.where).toBe('type = d');
      expect(doc.input.unmatched).toBe(3);
      expect(doc.input.prunedFiles).toEqual(['acct-2026-11-01-0000.csv']);
      expect(doc.groups).toHaveLength(n);
      expect(doc.groups.reduce((s, g) => s + g.delivered, 0)).toBe((n * (n + 1)) / 2);
      expect(doc.groups.find((g) => g.key.rcpt === 'user3@example.com')?.key.vmta).toBe(HOSTILE);
      expect(doc.omittedKeys).toBe(0);
      expect(Object.keys(doc)).toEqual(['version', 'where', 'sort', 'range', 'by', 'bucket', 'input', 'total', 'groups', 'omittedKeys']);
    });
  }

  it('NDJSON: one group a line, a piece a line', () => {
    const m = modelOf(3000, HOSTILE);
    const pieces = [...queryNdjsonPieces(m)];
    expect(pieces).toHaveLength(3000);
    for (const p of pieces) {
      expect(p.endsWith('\n')).toBe(true);
      expect(p.slice(0, -1)).not.toContain('\n');
    }
    const keys = pieces.map((p) => (JSON.parse(p) as { key: { rcpt: string; vmta: string } }).key);
    expect(keys.find((k) => k.rcpt === 'user3@example.com')?.vmta).toBe(HOSTILE);
  });

  it('CSV: a header, then a line a group, RFC 4180 quoting of text with commas, quotes and line ends', () => {
    const m = modelOf(3000, HOSTILE);
    const pieces = [...csvPieces(m)];
    expect(pieces).toHaveLength(3001);
    expect(pieces[0].startsWith('bucket,rcpt,vmta,delivered,')).toBe(true);
    const hostileLine = pieces.find((p) => p.includes('user3@'));
    expect(hostileLine).toContain('"a ""b"",c\u2028\u202e|\nd"');
    expect(pieces.every((p) => p.endsWith('\r\n'))).toBe(true);
  });
});
