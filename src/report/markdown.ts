/**
 * Markdown: the same content as the terminal table, as pipe tables that read well in mail and chat.
 */
import { formatProblem } from '../parse/problems.js';
import { formatBytes, formatCount, formatRate, formatSeconds, shortTime } from './format.js';
import { rowLevels } from './highlight.js';
import type { GroupRow, ReportModel } from './model.js';
import { markdownSafe } from './sanitize.js';

const HEAD = ['Delivered', 'Deferred', 'Bounced', 'Hard', 'Complaints', 'Deferral', 'Bounce', 'Hard %', 'Complaint', 'p50', 'p90'];

function mark(text: string, level: string): string {
  return level === 'ok' ? text : `**${text}**`;
}

function cells(row: GroupRow): string[] {
  const c = row.counts;
  const lv = rowLevels(row);
  return [
    formatCount(c.delivered), formatCount(c.deferred), formatCount(c.bounced), formatCount(c.hardBounced), formatCount(c.complaints),
    mark(formatRate(row.rates.deferral), lv.deferral), formatRate(row.rates.bounce),
    mark(formatRate(row.rates.hardBounce), lv.hardBounce), mark(formatRate(row.rates.complaint, 3), lv.complaint),
    formatSeconds(row.latency.p50), formatSeconds(row.latency.p90),
  ];
}

function table(labels: string[], rows: string[][], leftColumns = labels.length - HEAD.length): string {
  const line = (c: string[]) => `| ${c.join(' | ')} |`;
  const align = labels.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [line(labels), line(align), ...rows.map(line)].join('\n');
}

function section(title: string, rows: readonly GroupRow[], dims: readonly string[], labels: string[], top: number): string {
  if (rows.length === 0) return '';
  const body = rows.slice(0, top).map((r) => [...dims.map((d) => (r.key[d] ? markdownSafe(r.key[d]) : '(none)')), ...cells(r)]);
  const more = rows.length > top ? `\n\n_${rows.length - top} more not shown._` : '';
  return `## ${title}\n\n${table([...labels, ...HEAD], body)}${more}\n`;
}

export function renderMarkdown(m: ReportModel, top = 20): string {
  const i = m.input;
  const c = m.total.counts;
  const out: string[] = [];
  out.push('# PowerMTA accounting report\n');
  const span = i.firstEvent !== null && i.lastEvent !== null
    ? ` Events from ${shortTime(i.firstEvent, m.range.tz)} to ${shortTime(i.lastEvent, m.range.tz)} (${m.range.tz}).` : '';
  out.push(`${formatCount(i.files)} files, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records, ${formatCount(i.badRecords)} bad.${span}\n`);
  out.push('## Totals\n');
  out.push(table(['Measure', 'Count', 'Rate'], [
    ['Delivered', formatCount(c.delivered), formatBytes(c.deliveredBytes)],
    ['Deferred', formatCount(c.deferred), formatRate(m.total.rates.deferral)],
    ['Queue deferrals (tq)', formatCount(c.queueDeferred), ''],
    ['Bounced', formatCount(c.bounced), formatRate(m.total.rates.bounce)],
    ['Hard bounces', formatCount(c.hardBounced), formatRate(m.total.rates.hardBounce)],
    ['Soft bounces', formatCount(c.softBounced), ''],
    ['Complaints', formatCount(c.complaints), formatRate(m.total.rates.complaint, 3)],
    ['Remote bounces (rb)', formatCount(c.remoteBounced), ''],
    ['Delivery latency p50 / p90 / p99', '', `${formatSeconds(m.total.latency.p50)} / ${formatSeconds(m.total.latency.p90)} / ${formatSeconds(m.total.latency.p99)}`],
  ], 1) + '\n');
  if (m.byIsp) out.push(section('By ISP', m.byIsp, ['isp'], ['ISP'], top));
  if (m.byIp) out.push(section('By sending IP', m.byIp, ['ip'], ['Sending IP'], top));
  const plain = m.by.length === 1 && (m.by[0] === 'isp' || m.by[0] === 'ip');
  if (m.by.length > 0 && !plain) out.push(section(`By ${m.by.join(', ')}`, m.byKey, m.by, [...m.by], top));
  if (m.bucket !== null && m.series.length > 0) {
    const rows = m.series.map((r) => [r.bucket === null ? '' : shortTime(r.bucket, m.range.tz), ...cells(r)]);
    out.push(`## Every ${m.bucket} (${m.range.tz})\n\n${table(['Bucket', ...HEAD], rows)}\n`);
  }
  if (i.badRecords > 0) {
    out.push('## Bad records\n');
    out.push(i.problems.slice(0, 5).map((p) => `- ${markdownSafe(formatProblem(p))}`).join('\n') + '\n');
  }
  return out.filter((s) => s !== '').join('\n');
}
