/**
 * Markdown: the nightly report for mail and chat, with the content of the HTML report minus its
 * charts (verdicts first, totals with changes, per-ISP table with a text sparkline, per-IP table,
 * reasons, latency), as pipe tables. Record text goes through markdownSafe.
 */
import { formatProblem } from '../parse/problems.js';
import { attemptsOf } from '../rollup/counters.js';
import { changeOf, figuresOf, formatChange, type FigureName, type Figures } from '../model/compare.js';
import { comparisonSentence, incidentComparison } from './compare-text.js';
import { formatBytes, formatCount, formatRate, formatSeconds, bucketTime } from './format.js';
import { inputNotes } from './input-notes.js';
import { GROUP_HEADS, groupCells } from './group-columns.js';
import { ispPoints, timelineOf } from './timeline.js';
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import { topIsps, topReasons, type ReasonRow } from '../model/reasons.js';
import { markdownSafe } from './sanitize.js';
import { verdictContext } from './verdicts.js';
import { clockOf, incidentContext, INCIDENT_COLUMNS } from './incident-view.js';
import { BUILT_IN } from '../verdict/defaults.js';
import type { RuleSet } from '../verdict/types.js';
import { label } from './labels.js';
import { textSparkline, volumeBars } from './text-chart.js';

function mark(text: string, level: string): string {
  return level === 'ok' ? text : `**${text}**`;
}

/** ` (+3.1%)` after a figure, when there is a baseline. */
function chg(name: FigureName, now: number | null, base: Figures | null | undefined): string {
  if (base === null || base === undefined) return '';
  const text = formatChange(changeOf(name, now, base[name]));
  return text === '' ? '' : ` (${text})`;
}

function cells(row: GroupRow, rules: RuleSet, base?: Figures | null): string[] {
  const f = figuresOf(row);
  return groupCells(row, rules).map((c) => `${mark(c.text, c.level)}${chg(c.figure, f[c.figure], base)}`);
}

function table(labels: string[], rows: string[][], leftColumns: number): string {
  const line = (c: string[]) => `| ${c.join(' | ')} |`;
  const align = labels.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [line(labels), line(align), ...rows.map(line)].join('\n');
}

const key = (v: string | undefined) => (v ? markdownSafe(v) : '(none)');

interface Section {
  readonly title: string;
  readonly rows: readonly GroupRow[];
  readonly dims: readonly string[];
  readonly labels: readonly string[];
  readonly top: number;
  readonly rules: RuleSet;
  readonly baseline?: ReadonlyMap<string, Figures>;
  readonly trend?: (row: GroupRow) => string;
}

function section(s: Section): string {
  if (s.rows.length === 0) return '';
  const body = s.rows.slice(0, s.top).map((r) => {
    const base = s.dims.length === 1 ? s.baseline?.get(r.key[s.dims[0]] ?? '') : undefined;
    return [...s.dims.map((d) => key(r.key[d])), ...cells(r, s.rules, base), ...(s.trend ? [s.trend(r)] : [])];
  });
  const more = s.rows.length > s.top ? `\n\n_${s.rows.length - s.top} more not shown._` : '';
  const labels = [...s.labels, ...GROUP_HEADS, ...(s.trend ? ['Trend'] : [])];
  return `## ${s.title}\n\n${table(labels, body, s.labels.length)}${more}\n`;
}

function verdicts(m: ReportModel): string {
  if (m.verdicts === null || m.verdicts === undefined) return '';
  const sorted = m.verdicts.verdicts;
  const bad = sorted.filter((v) => v.level !== 'OK');
  const ok = sorted.length - bad.length;
  const lines = bad.map((v) => `- ${v.level === 'INFO' ? v.level : `**${v.level}**`} ${markdownSafe(v.message)}`);
  if (bad.length === 0) lines.push(`- OK: all ${formatCount(ok)} checks passed.`);
  else if (ok > 0) lines.push(`- OK: ${formatCount(ok)} other checks passed.`);
  return `## Verdicts\n\n_${markdownSafe(verdictContext(m.verdicts, m.range.tz))}_\n\n${lines.join('\n')}\n`;
}

function incidents(m: ReportModel): string {
  const s = m.incidents;
  if (s === null || s === undefined) return '';
  const c = clockOf(s, m.range.tz);
  const cmp = m.comparison === null ? null : incidentComparison(m.comparison, s.incidents.length, m.range.tz);
  const head = `## Incidents\n\n_${markdownSafe(incidentContext(s, c))}_\n\n${cmp === null ? '' : `${markdownSafe(cmp)}\n\n`}`;
  if (s.incidents.length === 0) return `${head}None: no rule was at WARN or above in any window.\n`;
  const rows = s.incidents.map((i) =>
    INCIDENT_COLUMNS.map((col, k) => {
      const text = markdownSafe(col.cell(i, c));
      return k === 0 ? `**${text}**` : text;
    }),
  );
  return `${head}${table(
    INCIDENT_COLUMNS.map((col) => col.heading),
    rows,
    INCIDENT_COLUMNS.findIndex((col) => col.right),
  )}\n`;
}

function totals(m: ReportModel): string {
  const c = m.total.counts;
  const r = m.total.rates;
  const base = m.comparison?.total ?? null;
  const f = figuresOf(m.total);
  const withChange = base !== null;
  const row = (name: string, count: string, rate: string, figure?: FigureName) => {
    const cellsOut = [name, count, rate];
    if (withChange) cellsOut.push(figure === undefined ? '' : formatChange(changeOf(figure, f[figure], base[figure])));
    return cellsOut;
  };
  const lat = m.total.latency;
  const rows = [
    row('Delivered', formatCount(c.delivered), formatBytes(c.deliveredBytes), 'delivered'),
    row('Deferred', formatCount(c.deferred), formatRate(r.deferral), 'deferralRate'),
    row('Queue deferrals (tq)', formatCount(c.queueDeferred), '', 'queueDeferred'),
    row('Bounced', formatCount(c.bounced), formatRate(r.bounce), 'bounceRate'),
    row('Hard bounces', formatCount(c.hardBounced), formatRate(r.hardBounce), 'hardBounceRate'),
    row('Soft bounces', formatCount(c.softBounced), '', 'softBounced'),
    row('Complaints', formatCount(c.complaints), formatRate(r.complaint, 3), 'complaintRate'),
    row('Remote bounces (rb)', formatCount(c.remoteBounced), '', 'remoteBounced'),
    row(
      'Delivery latency p50 / p90 / p99',
      '',
      `${formatSeconds(lat.p50)} / ${formatSeconds(lat.p90)} / ${formatSeconds(lat.p99)}`,
      'latencyP50',
    ),
  ];
  const labels = ['Measure', 'Count', 'Rate', ...(withChange ? ['Change'] : [])];
  return `## Totals\n\n${table(labels, rows, 1)}\n`;
}

function reasonTable(title: string, rows: readonly ReasonRow[], counter: 'bounced' | 'deferred', total: number): string {
  if (rows.length === 0) return '';
  const withDiag = rows.some((r) => r.diag !== null);
  const body = rows.map((r) => [
    key(r.bounceCat),
    ...(withDiag ? [markdownSafe(r.diag ?? '')] : []),
    formatCount(r.counts[counter]),
    total === 0 ? '-' : formatRate(r.counts[counter] / total, 1),
    topIsps(r, counter, 3)
      .map((i) => `${key(i.isp)} ${formatCount(i[counter])}`)
      .join(', '),
  ]);
  const labels = ['Category', ...(withDiag ? ['Reason'] : []), counter === 'bounced' ? 'Bounces' : 'Deferrals', 'Share', 'Top ISPs'];
  return `## ${title}\n\n${table(labels, body, withDiag ? 2 : 1)}\n`;
}

function latency(m: ReportModel, top: number): string {
  const rows: [string, GroupRow, Figures | null | undefined][] = [['All mail', m.total, m.comparison?.total]];
  for (const r of (m.byIsp ?? []).filter((x) => x.latency.count > 0).slice(0, top))
    rows.push([key(r.key.isp), r, m.comparison?.isp.get(r.key.isp)]);
  const body = rows.map(([name, r, base]) => [
    name,
    formatCount(r.latency.count),
    `${formatSeconds(r.latency.p50)}${chg('latencyP50', r.latency.p50, base)}`,
    `${formatSeconds(r.latency.p90)}${chg('latencyP90', r.latency.p90, base)}`,
    `${formatSeconds(r.latency.p99)}${chg('latencyP99', r.latency.p99, base)}`,
  ]);
  return `## Delivery latency\n\n${table(['Scope', 'Deliveries', 'p50', 'p90', 'p99'], body, 1)}\n`;
}

export function renderMarkdown(m: ReportModel, top = 20): string {
  const i = m.input;
  const rules = m.rules ?? BUILT_IN;
  const out: string[] = [];
  out.push('# PowerMTA accounting report\n');
  const span =
    i.firstEvent !== null && i.lastEvent !== null
      ? ` Events from ${bucketTime(i.firstEvent, m.range.tz)} to ${bucketTime(i.lastEvent, m.range.tz)} (${m.range.tz}).`
      : '';
  out.push(
    `${formatCount(i.files)} file${i.files === 1 ? '' : 's'}, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records, ${formatCount(i.badRecords)} bad.${span}\n`,
  );
  if (m.comparison !== null) out.push(`${markdownSafe(comparisonSentence(m.comparison, m.range.tz))}\n`);
  out.push(verdicts(m));
  out.push(incidents(m));
  out.push(totals(m));
  const tl = timelineOf(m);
  const points = tl === null ? null : ispPoints(m, tl);
  const trend = points === null ? undefined : (r: GroupRow) => textSparkline((points.get(r.key.isp ?? '') ?? []).map(attemptsOf));
  if (m.byIsp)
    out.push(section({ title: 'By ISP', rows: m.byIsp, dims: ['isp'], labels: ['ISP'], top, rules, baseline: m.comparison?.isp, trend }));
  if (m.byIp)
    out.push(
      section({ title: 'By sending IP', rows: m.byIp, dims: ['ip'], labels: ['Sending IP'], top, rules, baseline: m.comparison?.ip }),
    );
  const plain = m.by.length === 1 && (m.by[0] === 'isp' || m.by[0] === 'ip');
  if (m.by.length > 0 && !plain)
    out.push(section({ title: `By ${m.by.map(label).join(' and ')}`, rows: m.byKey, dims: m.by, labels: m.by.map(label), top, rules }));
  const bars = volumeBars(m);
  // An indented code block (not a fence, which a Markdown document quoting this one would have to
  // nest): mail and chat clients keep the bars aligned in monospace.
  if (bars !== null) out.push(`## Volume\n\n${markdownSafe(bars.title)}\n\n${bars.lines.map((l) => `    ${l}`).join('\n')}\n`);
  if (m.bucket !== null && m.series.length > 0) {
    const rows = m.series.map((r) => [r.bucket === null ? '' : bucketTime(r.bucket, m.range.tz), ...cells(r, rules)]);
    out.push(`## Every ${m.bucket} (${m.range.tz})\n\n${table(['Bucket', ...GROUP_HEADS], rows, 1)}\n`);
  }
  if (m.reasons !== null) {
    out.push(reasonTable('Top bounce reasons', topReasons(m.reasons, 'bounced', 10), 'bounced', m.total.counts.bounced));
    out.push(reasonTable('Top deferral reasons', topReasons(m.reasons, 'deferred', 10), 'deferred', m.total.counts.deferred));
  }
  if (m.byIsp !== null) out.push(latency(m, top));
  const notes = inputNotes(i).map((n) => `- ${markdownSafe(n)}`);
  if (i.badRecords > 0 || i.warnings > 0) notes.push(...i.problems.slice(0, 5).map((p) => `  - ${markdownSafe(formatProblem(p))}`));
  notes.push(...(m.comparison?.notes ?? []).map((n) => `- History: ${markdownSafe(n)}`));
  if (notes.length > 0) out.push(`## ${i.badRecords > 0 ? 'Bad records and notes' : 'Notes'}\n\n${notes.join('\n')}\n`);
  return out.filter((s) => s !== '').join('\n');
}

/**
 * A query's groups as Markdown (for a ticket or a chat): the headline, the filter, then the groups
 * in the model's order and cut, a bucket column first when bucketed.
 */
export function renderGroupsMarkdown(m: ReportModel, headline: string, where: string | null, top: number): string {
  const rules = m.rules ?? BUILT_IN;
  const out = [`## ${markdownSafe(headline)}\n`];
  if (where !== null) out.push(`Where \`${where.replace(/[`\r\n]/g, ' ')}\`\n`);
  const bucketed = m.bucket !== null;
  if (m.by.length === 0 && !bucketed) {
    out.push(table(['', ...GROUP_HEADS], [['Total', ...cells(m.total, rules)]], 1));
    return `${out.join('\n')}\n`;
  }
  if (m.groups.length === 0) return `${[...out, '_No matching records._'].join('\n')}\n`;
  const labels = [...(bucketed ? ['Bucket'] : []), ...m.by.map(label)];
  const rows = m.groups
    .slice(0, top)
    .map((r) => [
      ...(bucketed ? [r.bucket === null ? '(no time)' : bucketTime(r.bucket, m.range.tz)] : []),
      ...m.by.map((d) => key(r.key[d])),
      ...cells(r, rules),
    ]);
  out.push(table([...labels, ...GROUP_HEADS], rows, labels.length));
  const hidden = m.groups.length - rows.length + m.omittedKeys;
  if (hidden > 0) out.push(`\n_${formatCount(hidden)} more not shown._`);
  return `${out.join('\n')}\n`;
}
