/**
 * Charts made of characters, for the terminal report and the Markdown one (mail and chat show
 * them in a code block): the period's attempts per point of the timeline as stacked bars of
 * delivered, deferred and bounced, with the deferral and bounce rates beside each bar, and a
 * one-line sparkline. The HTML report draws the same figures as SVG (html/charts.ts).
 */
import { formatCount, formatRate } from './format.js';
import { NO_PAINT, type Paint } from './highlight.js';
import type { ReportModel } from '../model/model.js';
import { perPoint, timelineOf } from './timeline.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A text sparkline: one block per value, scaled to the largest. */
export function textSparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => BLOCKS[max === 0 ? 0 : Math.min(7, Math.floor((v / max) * 7.999))]).join('');
}

export const BAR_CHARS = { delivered: '█', deferred: '▒', bounced: '░' } as const;

export interface BarChartOptions {
  /** Characters of the longest bar (default 40). */
  readonly width?: number;
  /** At most this many bars: neighbouring points are added up (default 48). */
  readonly maxBars?: number;
  readonly paint?: Paint;
}

interface Bar {
  readonly label: string;
  readonly delivered: number;
  readonly deferred: number;
  readonly bounced: number;
}

/** Lengths of the three segments: cumulative rounding, so the bar's length is its total's. */
function segments(b: Bar, max: number, width: number): [number, number, number] {
  const end = (x: number) => (max === 0 ? 0 : Math.round((x / max) * width));
  const e1 = end(b.delivered);
  const e2 = end(b.delivered + b.deferred);
  let e3 = end(b.delivered + b.deferred + b.bounced);
  // Anything at all shows as at least one character.
  if (e3 === 0 && b.delivered + b.deferred + b.bounced > 0) e3 = 1;
  const d = Math.min(e1, e3);
  const t = Math.min(e2, e3) - d;
  return [d, t, e3 - d - t];
}

/**
 * The stacked bars, one line each: `label  bar  attempts  deferral  bounce`; null when the model
 * has no time series (no timed records).
 */
export function volumeBars(m: ReportModel, opts: BarChartOptions = {}): { title: string; lines: string[] } | null {
  const tl = timelineOf(m);
  if (tl === null || m.seriesBucket === null) return null;
  const width = opts.width ?? 40;
  const paint = opts.paint ?? NO_PAINT;
  const points = perPoint(m.series, tl);
  const step = Math.max(1, Math.ceil(points.length / (opts.maxBars ?? 48)));
  const bars: Bar[] = [];
  for (let i = 0; i < points.length; i += step) {
    let delivered = 0;
    let deferred = 0;
    let bounced = 0;
    for (const p of points.slice(i, i + step)) {
      delivered += p.delivered;
      deferred += p.deferred;
      bounced += p.bounced;
    }
    bars.push({ label: tl.labels[i], delivered, deferred, bounced });
  }
  const max = Math.max(0, ...bars.map((b) => b.delivered + b.deferred + b.bounced));
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  const countWidth = Math.max(...bars.map((b) => formatCount(b.delivered + b.deferred + b.bounced).length));
  const lines = bars.map((b) => {
    const [d, t, x] = segments(b, max, width);
    const bar =
      BAR_CHARS.delivered.repeat(d) +
      paint.level(BAR_CHARS.deferred.repeat(t), t > 0 ? 'warn' : 'ok') +
      paint.level(BAR_CHARS.bounced.repeat(x), x > 0 ? 'crit' : 'ok');
    const attempts = b.delivered + b.deferred + b.bounced;
    const deferral = attempts === 0 ? null : b.deferred / attempts;
    const bounce = b.delivered + b.bounced === 0 ? null : b.bounced / (b.delivered + b.bounced);
    const rates = attempts === 0 ? '' : `  deferral ${formatRate(deferral).padStart(6)}  bounce ${formatRate(bounce).padStart(6)}`;
    return `${b.label.padEnd(labelWidth)}  ${bar}${' '.repeat(width - d - t - x)}  ${formatCount(attempts).padStart(countWidth)}${rates}`;
  });
  const per = step === 1 ? m.seriesBucket : `${step} x ${m.seriesBucket}`;
  const title = `Attempts per ${per} (${m.range.tz}): ${BAR_CHARS.delivered} delivered  ${BAR_CHARS.deferred} deferred  ${BAR_CHARS.bounced} bounced`;
  return { title, lines };
}
