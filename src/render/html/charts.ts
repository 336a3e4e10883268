/**
 * The HTML report's charts, from the model's per-bucket rows: the stacked chart of delivered,
 * deferred and bounced per bucket, deferral and bounce rate per major ISP over time, and the
 * per-ISP sparklines, over the continuous timeline of timeline.ts.
 */
import { attemptsOf, type Counts } from '../../rollup/counters.js';
import { formatCount, formatRate } from '../format.js';
import type { ReportModel } from '../../model/model.js';
import type { GroupRow } from '../../model/rows.js';
import { htmlSafe as esc } from '../sanitize.js';
import { ispPoints, perPoint, type Timeline } from '../timeline.js';
import { lineChart, sparkline, stackedBars, type Series } from './svg.js';

/** A rate is drawn for a bucket only on at least this many attempts (fewer say nothing). */
export const MIN_POINT_ATTEMPTS = 20;
/** Lines per rate chart. */
const MAJOR_ISPS = 5;
/** An ISP gets a line on at least this many attempts over the period. */
const MAJOR_ATTEMPTS = 100;
/** The reference line of the deferral chart: where Gmail's guidance sees a reputation issue developing. */
const DEFERRAL_REFERENCE = 0.03;

function legend(series: readonly Series[]): string {
  return `<div class="legend">${series.map((s) => `<span><i class="${s.cls}"></i>${esc(s.name)}</span>`).join('')}</div>`;
}

export function volumeChart(m: ReportModel, tl: Timeline): string {
  const pts = perPoint(m.series, tl);
  const series: Series[] = [
    { name: 'delivered', cls: 'c-delivered', values: pts.map((c) => c.delivered) },
    { name: 'deferred', cls: 'c-deferred', values: pts.map((c) => c.deferred) },
    { name: 'bounced', cls: 'c-bounced', values: pts.map((c) => c.bounced) },
  ];
  const title = `Delivered, deferred and bounced per ${m.seriesBucket} (${m.range.tz})`;
  return `<h2 id="volume">${esc(title)}</h2>${legend(series)}${stackedBars(series, { title, labels: tl.labels, format: (v) => formatCount(Math.round(v)) })}`;
}

/** ISPs with the most attempts (and enough of them for a rate to mean something), biggest first. */
export function majorIsps(m: ReportModel, n = MAJOR_ISPS): string[] {
  return (m.byIsp ?? [])
    .filter((r) => r.key.isp !== '' && attemptsOf(r.counts) >= MAJOR_ATTEMPTS)
    .sort((a, b) => attemptsOf(b.counts) - attemptsOf(a.counts))
    .slice(0, n)
    .map((r) => r.key.isp);
}

function rate(c: Counts, which: 'deferral' | 'bounce'): number | null {
  const attempts = attemptsOf(c);
  if (attempts < MIN_POINT_ATTEMPTS) return null;
  return which === 'deferral' ? c.deferred / attempts : c.delivered + c.bounced === 0 ? null : c.bounced / (c.delivered + c.bounced);
}

export function rateCharts(m: ReportModel, tl: Timeline): string {
  const isps = majorIsps(m);
  if (isps.length === 0) return '';
  const points = ispPoints(m, tl);
  const chart = (which: 'deferral' | 'bounce', title: string, rule?: { value: number; label: string }) => {
    const series: Series[] = isps.map((isp, i) => ({
      name: isp,
      cls: `c-line${i}`,
      values: (points.get(isp) ?? []).map((c) => rate(c, which)),
    }));
    return `<div><h3>${esc(title)}</h3>${legend(series)}${lineChart(series, { title, labels: tl.labels, height: 220, width: 600, format: (v) => formatRate(v, 1), rule })}</div>`;
  };
  return (
    `<h2 id="rates">Deferral and bounce rate per ISP</h2><p class="muted">The ${isps.length} ISPs with the most attempts; a point needs at least ${MIN_POINT_ATTEMPTS} attempts in its ${esc(m.seriesBucket ?? '')} bucket.</p>` +
    `<div class="grid2">${chart('deferral', 'Deferral rate', { value: DEFERRAL_REFERENCE, label: formatRate(DEFERRAL_REFERENCE, 0) })}${chart('bounce', 'Bounce rate')}</div>`
  );
}

/** Sparkline cells for an ISP row: attempts per point, and deferral rate per point. */
export function ispSparklines(m: ReportModel, tl: Timeline | null): ((row: GroupRow) => string[]) | undefined {
  if (tl === null) return undefined;
  const points = ispPoints(m, tl);
  return (row) => {
    const isp = row.key.isp ?? '';
    const pts = points.get(isp) ?? [];
    const name = isp === '' ? '(none)' : isp;
    return [
      sparkline(
        pts.map((c) => attemptsOf(c)),
        `${name}: attempts per ${m.seriesBucket}`,
      ),
      sparkline(
        pts.map((c) => rate(c, 'deferral') ?? 0),
        `${name}: deferral rate per ${m.seriesBucket}`,
        'spark def',
      ),
    ];
  };
}
