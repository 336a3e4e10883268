/**
 * The report's time axis for charts and sparklines: every bucket of the period, empty ones
 * included (so gaps show as zero, not as a shorter axis), at most MAX_POINTS of them (finer
 * buckets are added up), with labels in --tz.
 */
import { COUNTER_NAMES, type Counts } from '../rollup/counters.js';
import { makeBucketing } from '../rollup/buckets.js';
import { bucketTime, shortTime } from './format.js';
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';

/** At most this many points per chart: finer buckets are added up into coarser ones. */
const MAX_POINTS = 720;

export interface Timeline {
  readonly starts: readonly number[];
  /** Where the axis ends (exclusive): the end of its last point. */
  readonly end: number;
  readonly labels: readonly string[];
  /** Index of the point a bucket start belongs to. */
  indexOf(start: number): number;
}

export function timelineOf(m: ReportModel): Timeline | null {
  if (m.seriesBucket === null || m.series.length === 0) return null;
  const b = makeBucketing(m.seriesBucket, m.range.tz);
  const first = m.range.since === null ? (m.series[0].bucket ?? 0) : b.start(m.range.since);
  const lastRow = m.series[m.series.length - 1].bucket ?? first;
  const end = m.range.until === null ? b.next(lastRow) : m.range.until;
  const all: number[] = [];
  for (let t = first; t < end && all.length < 100_000; t = b.next(t)) all.push(t);
  const step = Math.max(1, Math.ceil(all.length / MAX_POINTS));
  const starts = all.filter((_, i) => i % step === 0);
  const oneDay =
    starts.length > 0 && shortTime(starts[0], m.range.tz).slice(0, 10) === shortTime(starts[starts.length - 1], m.range.tz).slice(0, 10);
  const daily = m.seriesBucket === '1d';
  const labels = starts.map((t) => {
    const s = bucketTime(t, m.range.tz);
    return daily ? s.slice(5, 10) : oneDay ? s.slice(11) : `${s.slice(5, 10)} ${s.slice(11)}`;
  });
  const index = new Map<number, number>();
  all.forEach((t, i) => index.set(t, Math.floor(i / step)));
  return { starts, end: all.length === 0 ? end : b.next(all[all.length - 1]), labels, indexOf: (start) => index.get(start) ?? -1 };
}

function zero(): Counts {
  return Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Counts;
}

/** Counts per timeline point of some rows (all rows given are added up). */
export function perPoint(rows: readonly GroupRow[], tl: Timeline): Counts[] {
  const out = tl.starts.map(zero);
  for (const row of rows) {
    const i = row.bucket === null ? -1 : tl.indexOf(row.bucket);
    if (i < 0) continue;
    for (const n of COUNTER_NAMES) out[i][n] += row.counts[n];
  }
  return out;
}

/** Per-ISP counts per point, from model.ispSeries. */
export function ispPoints(m: ReportModel, tl: Timeline): Map<string, Counts[]> {
  const rowsOf = new Map<string, GroupRow[]>();
  for (const row of m.ispSeries) {
    const isp = row.key.isp ?? '';
    const list = rowsOf.get(isp) ?? [];
    list.push(row);
    rowsOf.set(isp, list);
  }
  return new Map([...rowsOf.entries()].map(([isp, rows]) => [isp, perPoint(rows, tl)]));
}
