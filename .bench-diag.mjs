import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DiagMasker } from './dist/src/classify/diag.js';
const b = readFileSync('samples/acct-2026-11-28-0001.csv');
const rows = parse(b, { relax_column_count: true });
const c = rows[0].indexOf('dsnDiag');
const texts = rows.slice(1).map((r) => Buffer.from(r[c]));
const m = new DiagMasker();
let total = 0, bytes = 0;
for (let rep = 0; rep < 8; rep++) {
  const t = process.hrtime.bigint();
  for (let k = 0; k < 50; k++) for (const x of texts) { total += m.mask(x, 0, x.length); bytes += x.length; }
  const ns = Number(process.hrtime.bigint() - t);
  console.log((ns / (50 * texts.length)).toFixed(0), 'ns/text', (ns / bytes * 1).toFixed(2), 'ns/byte (cumulative bytes)', texts.length);
}
console.log('avg len', texts.reduce((n, x) => n + x.length, 0) / texts.length);
// baseline: just a byte loop with table lookup
const T = new Uint8Array(256);
let acc = 0; const t0 = process.hrtime.bigint();
for (let k = 0; k < 50; k++) for (const x of texts) for (let i = 0; i < x.length; i++) acc += T[x[i]];
console.log('loop only', (Number(process.hrtime.bigint() - t0) / (50 * texts.length)).toFixed(0), 'ns/text', acc);
