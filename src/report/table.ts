/**
 * The terminal report: totals with rates first, then per-ISP and per-IP tables, the groups asked
 * for with --by, the time series (with --bucket), and where the bad records are.
 */
import Table from 'cli-table3';
import { formatProblem } from '../parse/problems.js';
import { changeOf, figuresOf, formatChange, type FigureName } from './compare.js';
import { comparisonSentence } from './compare-text.js';
import { formatBytes, formatCount, formatRate, formatSeconds, shortTime } from './format.js';
import { NO_PAINT, rowLevels, type Paint } from './highlight.js';
import type { GroupRow, ReportModel } from './model.js';
import { terminalSafe } from './sanitize.js';

export interface TableOptions {
  readonly paint?: Paint;
  /** Rows per table (default 20). */
  readonly top?: number;
}

const NUMBER_HEAD = ['Delivered', 'Deferred', 'Bounced', 'Hard', 'Complaints', 'Deferral', 'Bounce', 'Hard %', 'Complaint', 'p50', 'p90'];

function numberCells(row: GroupRow, paint: Paint): string[] {
  const c = row.counts;
  const lv = rowLevels(row);
  return [
    formatCount(c.delivered),
    formatCount(c.deferred),
    formatCount(c.bounced),
    formatCount(c.hardBounced),
    formatCount(c.complaints),
    paint.level(formatRate(row.rates.deferral), lv.deferral),
    formatRate(row.rates.bounce),
    paint.level(formatRate(row.rates.hardBounce), lv.hardBounce),
    paint.level(formatRate(row.rates.complaint, 3), lv.complaint),
    formatSeconds(row.latency.p50),
    formatSeconds(row.latency.p90),
  ];
}

function makeTable(head: string[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (i < head.length - NUMBER_HEAD.length ? 'left' : 'right')),
  });
}

function keyCell(v: string): string {
  return v === '' ? '(none)' : terminalSafe(v);
}

function section(title: string, rows: readonly GroupRow[], dims: readonly string[], labels: readonly string[], paint: Paint, top: number): string {
  if (rows.length === 0) return '';
  const t = makeTable([...labels, ...NUMBER_HEAD]);
  for (const row of rows.slice(0, top)) t.push([...dims.map((d) => keyCell(row.key[d] ?? '')), ...numberCells(row, paint)]);
  const more = rows.length > top ? `\n  ... ${rows.length - top} more (use --top or --format json)` : '';
  return `${paint.bold(title)}\n${t.toString()}${more}\n`;
}

const LABELS: Record<string, string> = { isp: 'ISP', ip: 'Sending IP', vmta: 'VirtualMTA', pool: 'Pool', job: 'Job', domain: 'Domain', bounceCat: 'Bounce category', type: 'Type' };

function label(d: string): string {
  return LABELS[d] ?? d;
}

function headline(m: ReportModel): string {
  const i = m.input;
  const span = i.firstEvent !== null && i.lastEvent !== null
    ? `, events ${shortTime(i.firstEvent, m.range.tz)} to ${shortTime(i.lastEvent, m.range.tz)} ${m.range.tz}`
    : '';
  const bad = i.badRecords > 0 ? ` (${formatCount(i.badRecords)} bad)` : '';
  return `pmta-acct report: ${formatCount(i.files)} file${i.files === 1 ? '' : 's'}, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records${bad}${span}`;
}

function totals(m: ReportModel, paint: Paint): string {
  const c = m.total.counts;
  const lv = rowLevels(m.total);
  const t = new Table({ style: { head: [], border: [], compact: true } });
  // With --compare, a third column: the change of the row's figure (its rate, where it has one).
  const base = m.comparison?.total ?? null;
  const f = figuresOf(m.total);
  const chg = (name: FigureName): string[] => (base === null ? [] : [formatChange(changeOf(name, f[name], base[name]))]);
  t.push(
    { Delivered: [formatCount(c.delivered), `${formatBytes(c.deliveredBytes)}`, ...chg('delivered')] },
    { Deferred: [formatCount(c.deferred), `rate ${paint.level(formatRate(m.total.rates.deferral), lv.deferral)}`, ...chg('deferralRate')] },
    { 'Queue deferrals (tq)': [formatCount(c.queueDeferred), '', ...chg('queueDeferred')] },
    { Bounced: [formatCount(c.bounced), `rate ${formatRate(m.total.rates.bounce)}`, ...chg('bounceRate')] },
    { '  hard': [formatCount(c.hardBounced), `rate ${paint.level(formatRate(m.total.rates.hardBounce), lv.hardBounce)}`, ...chg('hardBounceRate')] },
    { '  soft': [formatCount(c.softBounced), '', ...chg('softBounced')] },
    { Complaints: [formatCount(c.complaints), `rate ${paint.level(formatRate(m.total.rates.complaint, 3), lv.complaint)}`, ...chg('complaintRate')] },
    { 'Remote bounces (rb)': [formatCount(c.remoteBounced), '', ...chg('remoteBounced')] },
    { 'Remote status (rs)': [formatCount(c.remoteStatus), '', ...chg('remoteStatus')] },
    { 'Received (r)': [formatCount(c.received), '', ...chg('received')] },
    { 'Delivery latency': [`p50 ${formatSeconds(m.total.latency.p50)}`, `p90 ${formatSeconds(m.total.latency.p90)}  p99 ${formatSeconds(m.total.latency.p99)}`, ...chg('latencyP50')] },
  );
  const cmp = m.comparison === null ? '' : `${terminalSafe(comparisonSentence(m.comparison, m.range.tz))}\n`;
  return `${paint.bold('Totals')}\n${cmp}${t.toString()}\n`;
}

function inputNotes(m: ReportModel): string {
  const i = m.input;
  const notes: string[] = [];
  if (i.filtered > 0) notes.push(`${formatCount(i.filtered)} records outside the time range were not counted.`);
  if (i.untimed > 0) notes.push(`${formatCount(i.untimed)} records have no time column and were left out of the time range.`);
  for (const [type, n] of Object.entries(i.unknownTypes)) notes.push(`${formatCount(n)} records of unknown type '${terminalSafe(type)}' were not counted.`);
  if (i.badRecords > 0 || i.warnings > 0) {
    const codes = Object.entries(i.problemCounts).map(([code, n]) => `${code} ${formatCount(n ?? 0)}`).join(', ');
    notes.push(`${formatCount(i.badRecords)} bad records, ${formatCount(i.warnings)} warnings (${codes}); the first:`);
    for (const p of i.problems.slice(0, 5)) notes.push(`  ${terminalSafe(formatProblem(p))}`);
  }
  return notes.length === 0 ? '' : `${notes.join('\n')}\n`;
}

export function renderTable(m: ReportModel, opts: TableOptions = {}): string {
  const paint = opts.paint ?? NO_PAINT;
  const top = opts.top ?? 20;
  const parts = [`${headline(m)}\n`, totals(m, paint)];
  if (m.byIsp) parts.push(section('By ISP', m.byIsp, ['isp'], ['ISP'], paint, top));
  if (m.byIp) parts.push(section('By sending IP', m.byIp, ['ip'], ['Sending IP'], paint, top));
  const plain = m.by.length === 1 && (m.by[0] === 'isp' || m.by[0] === 'ip');
  if (m.by.length > 0 && !plain) {
    parts.push(section(`By ${m.by.map(label).join(' and ')}`, m.byKey, m.by, m.by.map(label), paint, top));
  }
  if (m.bucket !== null && m.series.length > 0) {
    const t = makeTable(['Bucket', ...NUMBER_HEAD]);
    for (const row of m.series) t.push([row.bucket === null ? '' : shortTime(row.bucket, m.range.tz), ...numberCells(row, paint)]);
    parts.push(`${paint.bold(`Every ${m.bucket} (${m.range.tz})`)}\n${t.toString()}\n`);
  }
  const notes = inputNotes(m);
  if (notes) parts.push(notes);
  return parts.filter((p) => p !== '').join('\n');
}
