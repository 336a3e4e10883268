/**
 * Inline SVG charts for the HTML report, drawn as strings: no script, no style attributes (the
 * page's Content-Security-Policy allows neither), colours as presentation attributes or classes.
 * Every text that reaches the SVG goes through htmlSafe; hover titles (`<title>`) give exact
 * numbers without JavaScript.
 */
import { htmlSafe } from '../sanitize.js';

export interface Series {
  readonly name: string;
  /** CSS class that colours it (fill for bars, stroke for lines): `c-delivered`, `c-line0`... */
  readonly cls: string;
  /** One value per x position; null = no value (a gap in a line). */
  readonly values: readonly (number | null)[];
}

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Accessible name of the chart. */
  readonly title: string;
  /** Label of each x position (bucket start). */
  readonly labels: readonly string[];
  /** How to write a y value (axis ticks and titles). */
  readonly format: (v: number) => string;
  /** A horizontal reference line (e.g. a threshold). */
  readonly rule?: { readonly value: number; readonly label: string };
}

/**
 * An axis for values up to v: a step of 1, 2, 2.5 or 5 times a power of ten that cuts it into at
 * most 4 parts, and the first multiple of the step at or above v (so every tick reads well).
 */
export function niceScale(v: number): { readonly max: number; readonly step: number } {
  if (!(v > 0)) return { max: 1, step: 0.25 };
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const round = (x: number) => Number(x.toPrecision(12));
  const step = round([1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw * (1 - 1e-9)) ?? 10 * p);
  return { max: round(Math.max(step, Math.ceil(v / step - 1e-9) * step)), step };
}

const num = (v: number) => (Math.round(v * 10) / 10).toString();

interface Frame {
  readonly w: number;
  readonly h: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly max: number;
  readonly step: number;
  readonly n: number;
}

function frame(opts: ChartOptions, max: number, n: number): Frame {
  const w = opts.width ?? 960;
  const h = opts.height ?? 260;
  const scale = niceScale(max);
  return { w, h, left: 64, right: 12, top: 12, bottom: 28, max: scale.max, step: scale.step, n: Math.max(1, n) };
}

const plotW = (f: Frame) => f.w - f.left - f.right;
const plotH = (f: Frame) => f.h - f.top - f.bottom;
const yOf = (f: Frame, v: number) => f.top + plotH(f) * (1 - Math.min(v, f.max) / f.max);
const slot = (f: Frame) => plotW(f) / f.n;

/** Horizontal grid lines with y labels, and x labels spaced so they do not collide. */
function axes(f: Frame, opts: ChartOptions): string {
  const out: string[] = [];
  for (let i = 0; i * f.step <= f.max * (1 + 1e-9); i++) {
    const v = Number((i * f.step).toPrecision(12));
    const y = num(yOf(f, v));
    out.push(`<line class="grid" x1="${f.left}" x2="${f.w - f.right}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text class="tick" x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${htmlSafe(opts.format(v))}</text>`,
    );
  }
  // ~6.5 user units per character of an 11-unit font, plus a gap: labels never overlap.
  const widest = Math.max(1, ...opts.labels.map((l) => l.length)) * 6.5 + 14;
  const every = Math.max(1, Math.ceil(f.n / Math.max(1, Math.floor(plotW(f) / widest))));
  for (let i = 0; i < opts.labels.length; i += every) {
    const x = num(f.left + slot(f) * (i + 0.5));
    out.push(`<text class="tick" x="${x}" y="${f.h - 8}" text-anchor="middle">${htmlSafe(opts.labels[i])}</text>`);
  }
  if (opts.rule !== undefined && opts.rule.value <= f.max) {
    const y = num(yOf(f, opts.rule.value));
    out.push(`<line class="rule" x1="${f.left}" x2="${f.w - f.right}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text class="rule-label" x="${f.w - f.right - 4}" y="${num(yOf(f, opts.rule.value) - 4)}" text-anchor="end">${htmlSafe(opts.rule.label)}</text>`,
    );
  }
  return out.join('');
}

function svgOpen(f: Frame, opts: ChartOptions, cls: string): string {
  return `<svg class="chart ${cls}" viewBox="0 0 ${f.w} ${f.h}" role="img" aria-label="${htmlSafe(opts.title)}" xmlns="http://www.w3.org/2000/svg"><title>${htmlSafe(opts.title)}</title>`;
}

/** Stacked columns, one per x position, series stacked bottom-up in the order given. */
export function stackedBars(series: readonly Series[], opts: ChartOptions): string {
  const n = opts.labels.length;
  let max = 0;
  for (let i = 0; i < n; i++)
    max = Math.max(
      max,
      series.reduce((s, ser) => s + (ser.values[i] ?? 0), 0),
    );
  const f = frame(opts, max, n);
  const out = [svgOpen(f, opts, 'bars'), axes(f, opts)];
  const bw = Math.max(1, slot(f) * 0.78);
  for (let i = 0; i < n; i++) {
    let base = 0;
    const x = num(f.left + slot(f) * i + (slot(f) - bw) / 2);
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const y0 = yOf(f, base);
      const y1 = yOf(f, base + v);
      base += v;
      out.push(
        `<rect class="${s.cls}" x="${x}" y="${num(y1)}" width="${num(bw)}" height="${num(Math.max(0.5, y0 - y1))}"><title>${htmlSafe(`${opts.labels[i]} ${s.name}: ${opts.format(v)}`)}</title></rect>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('');
}

/** Lines over x positions; null values break a line (too little volume to say anything). */
export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const n = opts.labels.length;
  let max = opts.rule?.value ?? 0;
  for (const s of series) for (const v of s.values) if (v !== null) max = Math.max(max, v);
  const f = frame(opts, max, n);
  const out = [svgOpen(f, opts, 'lines'), axes(f, opts)];
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${num(f.left + slot(f) * (i + 0.5))} ${num(yOf(f, v))}`;
      pen = true;
    });
    out.push(`<path class="line ${s.cls}" d="${d}" fill="none"><title>${htmlSafe(s.name)}</title></path>`);
    s.values.forEach((v, i) => {
      if (v === null) return;
      const lone = (i === 0 || s.values[i - 1] === null) && (i === n - 1 || s.values[i + 1] === null);
      const r = lone ? 2.5 : 1.6;
      out.push(
        `<circle class="dot ${s.cls}" cx="${num(f.left + slot(f) * (i + 0.5))}" cy="${num(yOf(f, v))}" r="${r}"><title>${htmlSafe(`${s.name} ${opts.labels[i]}: ${opts.format(v)}`)}</title></circle>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

/** A word-sized chart for a table cell: an area of `values` (nulls as 0), scaled to its own max. */
export function sparkline(values: readonly (number | null)[], label: string, cls = 'spark'): string {
  const w = 100;
  const h = 24;
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const n = values.length;
  const x = (i: number) => (n <= 1 ? w / 2 : (i * (w - 2)) / (n - 1) + 1);
  const y = (v: number | null) => (max === 0 ? h - 1 : h - 1 - ((v ?? 0) / max) * (h - 3));
  let d = `M${num(x(0))} ${h - 1}`;
  values.forEach((v, i) => {
    d += `L${num(x(i))} ${num(y(v))}`;
  });
  d += `L${num(x(n - 1))} ${h - 1}Z`;
  return `<svg class="${cls}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${htmlSafe(label)}" xmlns="http://www.w3.org/2000/svg"><title>${htmlSafe(label)}</title><path d="${d}"/></svg>`;
}

/**
 * Latency percentiles of one row on a log time axis shared by the table (1 s to `max` s): a bar
 * from p50 to p99 with a tick at p90, so long tails stand out at a glance.
 */
export function latencyBar(p50: number | null, p90: number | null, p99: number | null, max: number, label: string): string {
  const w = 160;
  const h = 14;
  const top = Math.log10(Math.max(10, max));
  const x = (s: number) => 2 + (Math.log10(Math.max(1, s)) / top) * (w - 4);
  const parts: string[] = [`<line class="axis" x1="2" x2="${w - 2}" y1="${h / 2}" y2="${h / 2}"/>`];
  if (p50 !== null && p99 !== null) {
    parts.push(`<rect class="span" x="${num(x(p50))}" y="3" width="${num(Math.max(1.5, x(p99) - x(p50)))}" height="${h - 6}"/>`);
    parts.push(`<rect class="p50" x="${num(x(p50) - 1)}" y="1" width="2" height="${h - 2}"/>`);
    if (p90 !== null) parts.push(`<rect class="p90" x="${num(x(p90) - 1)}" y="1" width="2" height="${h - 2}"/>`);
  }
  return `<svg class="lat" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${htmlSafe(label)}" xmlns="http://www.w3.org/2000/svg"><title>${htmlSafe(label)}</title>${parts.join('')}</svg>`;
}

export interface SpanRow {
  /** Left of the row (truncated to fit). */
  readonly label: string;
  readonly from: number;
  readonly to: number;
  /** Class of the bar: `span-WARN`, `span-CRIT`. */
  readonly cls: string;
  /** Hover text. */
  readonly title: string;
}

export interface SpanOptions {
  readonly title: string;
  /** The time axis: [start, end), and the labels of its points (spread evenly over it). */
  readonly start: number;
  readonly end: number;
  readonly labels: readonly string[];
}

/** Bars over a time axis, one row each (incidents on the report's timeline). */
export function spanChart(rows: readonly SpanRow[], opts: SpanOptions): string {
  const w = 960;
  const left = 230;
  const right = 12;
  const rowH = 18;
  const top = 6;
  const h = top + rows.length * rowH + 26;
  const plot = w - left - right;
  const span = Math.max(1, opts.end - opts.start);
  const x = (t: number) => left + (plot * (Math.min(Math.max(t, opts.start), opts.end) - opts.start)) / span;
  const out = [
    `<svg class="chart spans" viewBox="0 0 ${w} ${h}" role="img" aria-label="${htmlSafe(opts.title)}" xmlns="http://www.w3.org/2000/svg"><title>${htmlSafe(opts.title)}</title>`,
  ];
  const n = Math.max(1, opts.labels.length);
  const slot = plot / n;
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plot / (Math.max(1, ...opts.labels.map((l) => l.length)) * 6.5 + 14)))));
  for (let i = 0; i < opts.labels.length; i += every) {
    const gx = num(left + slot * i);
    out.push(`<line class="grid" x1="${gx}" x2="${gx}" y1="${top}" y2="${h - 22}"/>`);
    out.push(`<text class="tick" x="${num(left + slot * (i + 0.5))}" y="${h - 8}" text-anchor="middle">${htmlSafe(opts.labels[i])}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label;
    out.push(
      `<text class="tick" x="${left - 8}" y="${num(y + rowH / 2)}" text-anchor="end" dominant-baseline="middle">${htmlSafe(label)}</text>`,
    );
    const x0 = x(r.from);
    out.push(
      `<rect class="${r.cls}" x="${num(x0)}" y="${y + 3}" width="${num(Math.max(2, x(r.to) - x0))}" height="${rowH - 6}" rx="2"><title>${htmlSafe(r.title)}</title></rect>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}
