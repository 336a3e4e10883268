/**
 * --sort: the order of query groups. `NAME` or `NAME:asc` / `NAME:desc`, where NAME is a counter
 * (delivered, deferred, bounced, hardBounced, complaints, ...), `records` (every kind, the
 * default), a rate (deferral, bounce, hardBounce, complaint; `deferralRate` ... too), a latency
 * percentile (p50, p90, p99) or one of the --group-by fields. Numbers sort biggest first, fields
 * A to Z, unless told otherwise; groups without a value (a rate with no denominator) come last.
 */
import { PmtaAcctError } from '../../errors.js';
import type { GroupRow } from '../../model/rows.js';
import { volume } from '../../model/rows.js';
import { COUNTER_NAMES } from '../../rollup/counters.js';

export type RowOrder = (a: GroupRow, b: GroupRow) => number;

const RATES = ['deferral', 'bounce', 'hardBounce', 'complaint'] as const;
const PERCENTILES = ['p50', 'p90', 'p99'] as const;

export const SORT_NAMES = ['records', ...COUNTER_NAMES, ...RATES, ...PERCENTILES];

function metric(name: string): ((row: GroupRow) => number | null) | null {
  const lower = name.toLowerCase();
  if (lower === 'records') return (row) => volume(row.counts);
  const counter = COUNTER_NAMES.find((c) => c.toLowerCase() === lower);
  if (counter !== undefined) return (row) => row.counts[counter];
  const rate = RATES.find((r) => r.toLowerCase() === lower || `${r}rate`.toLowerCase() === lower);
  if (rate !== undefined) return (row) => row.rates[rate];
  const p = PERCENTILES.find((q) => q === lower || `latency${q}` === lower);
  if (p !== undefined) return (row) => row.latency[p];
  return null;
}

/** Parse a --sort value against the --group-by fields. */
export function parseSort(text: string, groupBy: readonly string[]): RowOrder {
  const m = /^\s*([^:\s]+)\s*(?::\s*(asc|desc))?\s*$/i.exec(text);
  if (m === null) throw new PmtaAcctError('USAGE', `--sort: '${text}' is not NAME or NAME:asc / NAME:desc`);
  const name = m[1];
  const dir = m[2]?.toLowerCase();
  const value = metric(name);
  if (value !== null) {
    const sign = dir === 'asc' ? 1 : -1;
    return (a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return sign * (x - y);
    };
  }
  const field = groupBy.find((f) => f.toLowerCase() === name.toLowerCase());
  if (field === undefined) {
    throw new PmtaAcctError('USAGE', `--sort: '${name}' is not a group-by field nor one of ${SORT_NAMES.join(', ')}`);
  }
  const sign = dir === 'desc' ? -1 : 1;
  return (a, b) => {
    const x = a.key[field] ?? '';
    const y = b.key[field] ?? '';
    return sign * (x < y ? -1 : x > y ? 1 : 0);
  };
}
