/**
 * Why mail failed: bounces and deferrals grouped by reason, a regrouping of the report's one rollup.
 * A reason is the record's `bounceCat` and, when the rollup is also keyed by the `diag` dimension
 * (dsnDiag with its variable parts masked: the diag templates of `query`), that template. Without
 * `diag` the reasons are the categories alone; nothing else changes when it arrives.
 */
import { countsOf, STRIDE, type Counts } from '../rollup/counters.js';
import { regroup } from '../rollup/regroup.js';
import type { Rollup } from '../rollup/rollup.js';

/** The rollup dimensions a reason is made of, in this order, when the rollup has them. */
export const REASON_DIMS = ['bounceCat', 'diag'] as const;

export interface IspFailures {
  readonly isp: string;
  readonly bounced: number;
  readonly deferred: number;
}

export interface ReasonRow {
  readonly bounceCat: string;
  /** The diag template, or null when the rollup has no `diag` dimension. */
  readonly diag: string | null;
  readonly counts: Counts;
  /** The ISPs that gave this reason (empty when the rollup has no `isp`). */
  readonly isps: readonly IspFailures[];
}

/** Failures a reason row stands for: bounces and deferrals. */
export function failuresOf(c: Counts): number {
  return c.bounced + c.deferred;
}

/** Reasons of every bounce and deferral, most failures first; null when the rollup has no bounceCat. */
export function reasonsOf(r: Rollup): ReasonRow[] | null {
  if (!r.dims.includes('bounceCat')) return null;
  const dims: string[] = REASON_DIMS.filter((d) => r.dims.includes(d));
  const withDiag = dims.includes('diag');
  const withIsp = r.dims.includes('isp');
  const g = regroup(r, withIsp ? [...dims, 'isp'] : dims, null);
  const byReason = new Map<string, { bounceCat: string; diag: string | null; counts: Counts; isps: IspFailures[] }>();
  for (let i = 0; i < g.size; i++) {
    const c = countsOf(g.counters, i * STRIDE);
    if (failuresOf(c) === 0) continue;
    const bounceCat = g.valueOf(i, 0);
    const diag = withDiag ? g.valueOf(i, 1) : null;
    const k = `${bounceCat}\u0000${diag ?? ''}`;
    let row = byReason.get(k);
    if (row === undefined) {
      row = { bounceCat, diag, counts: { ...c }, isps: [] };
      byReason.set(k, row);
    } else {
      for (const name of Object.keys(c) as (keyof Counts)[]) row.counts[name] += c[name];
    }
    if (withIsp) row.isps.push({ isp: g.valueOf(i, dims.length), bounced: c.bounced, deferred: c.deferred });
  }
  return [...byReason.values()].sort((a, b) => failuresOf(b.counts) - failuresOf(a.counts) || order(a, b));
}

function order(a: ReasonRow, b: ReasonRow): number {
  const ka = `${a.bounceCat}\u0000${a.diag ?? ''}`;
  const kb = `${b.bounceCat}\u0000${b.diag ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The `n` reasons with the most of one counter (`bounced` or `deferred`), biggest first. */
export function topReasons(rows: readonly ReasonRow[], counter: 'bounced' | 'deferred', n: number): ReasonRow[] {
  return rows
    .filter((r) => r.counts[counter] > 0)
    .sort((a, b) => b.counts[counter] - a.counts[counter] || order(a, b))
    .slice(0, n);
}

/** The `n` ISPs that gave a reason most often for one counter, biggest first. */
export function topIsps(row: ReasonRow, counter: 'bounced' | 'deferred', n: number): IspFailures[] {
  return row.isps
    .filter((i) => i[counter] > 0)
    .sort((a, b) => b[counter] - a[counter] || (a.isp < b.isp ? -1 : 1))
    .slice(0, n);
}
