import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { createIspMap } from '../../src/classify/isp-map.js';
import { ROOT } from './cli.js';

/**
 * An independent reading of accounting files for end-to-end checks: csv-parse, one object per
 * record (lowercase column names), plain JavaScript for the derived fields. It shares only the
 * ISP data with pmta-acct (as bench/baselines/csv-parse-rollup.ts does).
 */
export type Row = Readonly<Record<string, string>>;

export function readRows(paths: readonly string[]): Row[] {
  const out: Row[] = [];
  for (const path of paths) {
    let bytes = readFileSync(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const rows = parse(bytes, { relax_column_count: true, bom: true, skip_empty_lines: true }) as string[][];
    let cols: string[] = [];
    for (const r of rows) {
      if (r[0].toLowerCase() === 'type') {
        cols = r.map((c) => c.toLowerCase());
        continue;
      }
      out.push(Object.fromEntries(cols.map((c, i) => [c, r[i] ?? ''])));
    }
  }
  return out;
}

export const SAMPLE_FILES = readdirSync(join(ROOT, 'samples'))
  .filter((n) => n.startsWith('acct-'))
  .sort()
  .map((n) => join(ROOT, 'samples', n));

export function sampleRows(): Row[] {
  return readRows(SAMPLE_FILES);
}

const isps = createIspMap();

export function domainOf(r: Row): string {
  const rcpt = r.rcpt ?? '';
  if (rcpt !== '') return rcpt.includes('@') ? rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase() : '';
  return (r.queue ?? '').split('/')[0].toLowerCase();
}

export function ispOf(r: Row): string {
  const domain = domainOf(r);
  const queueDomain = (r.queue ?? '').split('/')[0].toLowerCase();
  let isp = domain === '' ? undefined : isps.ispOfDomain(domain);
  if (isp === undefined && queueDomain.endsWith('.rollup')) isp = isps.ispOfDomain(queueDomain);
  return isp ?? isps.ispOfMx((r.dsnmta ?? '').split(' (')[0]) ?? 'other';
}

export function sendingIp(r: Row): string {
  return ['d', 'b', 't', 'tq'].includes(r.type) ? (r.dlvsourceip ?? '') : '';
}

export function jobOf(r: Row): string {
  return r.jobid !== undefined && r.jobid !== '' ? r.jobid : (r['header_x-job'] ?? '');
}

const HARD = new Set(['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors']);

export function isHard(r: Row): boolean {
  return r.type === 'b' && HARD.has(r.bouncecat ?? '');
}

/** Count rows by a key: Map key → { type counts }. */
export function countBy(rows: readonly Row[], key: (r: Row) => string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const k = key(r);
    const c = out.get(k) ?? {};
    c[r.type] = (c[r.type] ?? 0) + 1;
    if (r.type === 'b') c[isHard(r) ? 'hard' : 'soft'] = (c[isHard(r) ? 'hard' : 'soft'] ?? 0) + 1;
    out.set(k, c);
  }
  return out;
}

/** Epoch seconds of a `YYYY-MM-DD HH:MM:SS±HHMM` time (the sample day's form). */
export function epochOf(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})$/.exec(text);
  return m === null ? Number.NaN : Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`) / 1000;
}
