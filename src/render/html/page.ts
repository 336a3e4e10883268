/**
 * The HTML report: one self-contained file for people (no network, no script, inline CSS and SVG),
 * verdicts first. Its Content-Security-Policy allows nothing but its own stylesheet (by hash):
 * even a string that escaped escaping could neither run, nor load, nor restyle anything.
 */
import { createHash } from 'node:crypto';
import { comparisonSentence } from '../compare-text.js';
import { bucketTime, formatBytes, formatCount } from '../format.js';
import type { ReportModel } from '../../model/model.js';
import { htmlSafe as esc } from '../sanitize.js';
import { timelineOf } from '../timeline.js';
import { ispSparklines, rateCharts, volumeChart } from './charts.js';
import { label } from '../labels.js';
import { groupTable, latencySection, notesSection, reasonsSection, totalsSection, verdictsSection } from './sections.js';
import { CSS } from './style.js';
import { incidentsSection } from './incidents.js';

export interface HtmlOptions {
  /** Rows per table (default 20). */
  readonly top?: number;
  /** Shown in the footer. */
  readonly version?: string;
}

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

/** The page's policy: its one stylesheet, and nothing else from anywhere. */
export const CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

function periodText(m: ReportModel): string {
  const tz = m.range.tz;
  const i = m.input;
  const range =
    m.range.since !== null && m.range.until !== null
      ? `${bucketTime(m.range.since, tz)} to ${bucketTime(m.range.until, tz)} (${tz})`
      : null;
  const events =
    i.firstEvent !== null && i.lastEvent !== null
      ? `events ${bucketTime(i.firstEvent, tz)} to ${bucketTime(i.lastEvent, tz)} (${tz})`
      : 'no timed events';
  return range === null ? events : `${range}; ${events}`;
}

function header(m: ReportModel): string {
  const i = m.input;
  const input = `${formatCount(i.files)} file${i.files === 1 ? '' : 's'}, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records, ${formatCount(i.badRecords)} bad`;
  const cmp = m.comparison === null ? '' : `<p class="sub">${esc(comparisonSentence(m.comparison, m.range.tz))}</p>`;
  const nav = [
    ['verdicts', 'Verdicts'],
    ...(m.incidents ? [['incidents', 'Incidents']] : []),
    ['totals', 'Totals'],
    ['volume', 'Over time'],
    ['isps', 'ISPs'],
    ['ips', 'Sending IPs'],
    ['reasons', 'Reasons'],
    ['latency', 'Latency'],
  ]
    .map(([id, text]) => `<a href="#${id}">${text}</a>`)
    .join('');
  return `<header><h1>PowerMTA accounting report</h1><p class="sub">${esc(periodText(m))}</p><p class="sub">${esc(input)}</p>${cmp}<nav>${nav}</nav></header>`;
}

export function renderHtml(m: ReportModel, opts: HtmlOptions = {}): string {
  const top = opts.top ?? 20;
  const tl = timelineOf(m);
  const sparks = ispSparklines(m, tl);
  const parts = [verdictsSection(m), incidentsSection(m, tl), totalsSection(m)];
  if (tl !== null) parts.push(volumeChart(m, tl), rateCharts(m, tl));
  if (m.byIsp !== null) {
    parts.push(
      groupTable({
        id: 'isps',
        title: 'By ISP',
        rows: m.byIsp,
        dims: ['isp'],
        top,
        rules: m.rules,
        baseline: m.comparison?.isp,
        extraHead: sparks === undefined ? [] : [`Attempts / ${m.seriesBucket}`, 'Deferral'],
        extra: sparks,
      }),
    );
  }
  if (m.byIp !== null)
    parts.push(
      groupTable({ id: 'ips', title: 'By sending IP', rows: m.byIp, dims: ['ip'], top, rules: m.rules, baseline: m.comparison?.ip }),
    );
  const plain = m.by.length === 1 && (m.by[0] === 'isp' || m.by[0] === 'ip');
  if (m.by.length > 0 && !plain)
    parts.push(groupTable({ id: 'by', title: `By ${m.by.map(label).join(' and ')}`, rows: m.byKey, dims: m.by, top, rules: m.rules }));
  parts.push(reasonsSection(m, 10), latencySection(m, top), notesSection(m));
  const footer = `<footer>pmta-acct${opts.version === undefined ? '' : ` ${esc(opts.version)}`} · a static page: no script, nothing loaded from the network.</footer>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>PowerMTA accounting report</title>',
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    header(m),
    '<main>',
    ...parts.filter((p) => p !== ''),
    '</main>',
    footer,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
