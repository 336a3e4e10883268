/**
 * CSV: one row per group (bucket, dimensions, every counter, rates, latency percentiles), for
 * spreadsheets and scripts. Cells from the logs are neutralized against formula injection, and
 * their control characters escaped when the CSV is shown on a terminal (`terminal`).
 */
import { COUNTER_NAMES } from '../rollup/counters.js';
import { isoTime, roundRate } from './format.js';
import type { ReportModel } from '../model/model.js';
import { csvCell } from './sanitize.js';

/**
 * The CSV as pieces, a line at a time: a query grouped by recipient can have millions of groups,
 * more text than one string may hold (V8's limit is 512 MiB); cli/io.ts writePieces writes them as
 * they come.
 */
export function* csvPieces(m: ReportModel, opts: { readonly terminal?: boolean } = {}): Generator<string> {
  const cell = (v: string | number | null) => csvCell(v, opts.terminal === true);
  const head = [
    ...(m.bucket === null ? [] : ['bucket']),
    ...m.by,
    ...COUNTER_NAMES,
    'deferralRate',
    'bounceRate',
    'hardBounceRate',
    'complaintRate',
    'latencyP50',
    'latencyP90',
    'latencyP99',
  ];
  yield `${head.map(cell).join(',')}\r\n`;
  for (const g of m.groups) {
    // each of a row's figures read once: a row may make them when read (model/rows.ts)
    const key = g.key;
    const counts = g.counts;
    const rates = g.rates;
    const latency = g.latency;
    const cells: (string | number | null)[] = [];
    if (m.bucket !== null) cells.push(g.bucket === null ? '' : isoTime(g.bucket, m.range.tz));
    for (const d of m.by) cells.push(key[d] ?? '');
    for (const n of COUNTER_NAMES) cells.push(counts[n]);
    cells.push(...[rates.deferral, rates.bounce, rates.hardBounce, rates.complaint].map(roundRate));
    cells.push(latency.p50, latency.p90, latency.p99);
    yield `${cells.map(cell).join(',')}\r\n`;
  }
}
