/**
 * The terminal report: totals with rates first, then per-ISP and per-IP tables, the groups asked
 * for with --by, the time series (with --bucket), and where the bad records are.
 */
import type Table from 'cli-table3';
import { lazyRequire } from '../util/lazy-require.js';
import { formatProblem } from '../parse/problems.js';
import { changeOf, figuresOf, formatChange, type FigureName } from '../model/compare.js';
import { comparisonSentence, incidentComparison } from './compare-text.js';
import { formatBytes, formatCount, formatRate, formatSeconds, bucketTime } from './format.js';
import { inputNotes } from './input-notes.js';
import { NO_PAINT, rowLevels, type Level, type Paint } from './highlight.js';
import { GROUP_HEADS, groupCells } from './group-columns.js';
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import { terminalSafe } from './sanitize.js';
import { verdictContext, verdictLines } from './verdicts.js';
import { clockOf, incidentContext, INCIDENT_COLUMNS } from './incident-view.js';
import { BUILT_IN } from '../verdict/defaults.js';
import type { RuleSet } from '../verdict/types.js';
import { label } from './labels.js';
import { volumeBars } from './text-chart.js';

export interface TableOptions {
  readonly paint?: Paint;
  /** Rows per table (default 20). */
  readonly top?: number;
  /** Replaces the first line (`pmta-acct report: 4 files, ...`). */
  readonly headline?: string;
  /**
   * `report` (default): totals, per-ISP and per-IP tables, the --by table, the time series.
   * `groups` (query): totals, then the groups themselves in their order, bucket first.
   */
  readonly layout?: 'report' | 'groups';
}

/** Key cells longer than this wrap (diag templates are a few hundred characters). */
const WRAP_KEY = 60;

function numberCells(row: GroupRow, paint: Paint, rules: RuleSet): string[] {
  return groupCells(row, rules).map((c) => paint.level(c.text, c.level));
}

const cliTable = lazyRequire<typeof Table>('cli-table3');

function makeTable(head: string[], colWidths: (number | null)[] = []): Table.Table {
  const TableClass = cliTable();
  return new TableClass({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (i < head.length - GROUP_HEADS.length ? 'left' : 'right')),
    colWidths,
    wordWrap: colWidths.some((w) => w !== null),
    wrapOnWordBoundary: true,
  });
}

function keyCell(v: string): string {
  return v === '' ? '(none)' : terminalSafe(v);
}

function section(
  title: string,
  rows: readonly GroupRow[],
  dims: readonly string[],
  labels: readonly string[],
  paint: Paint,
  top: number,
  rules: RuleSet,
): string {
  if (rows.length === 0) return '';
  const t = makeTable([...labels, ...GROUP_HEADS]);
  for (const row of rows.slice(0, top)) t.push([...dims.map((d) => keyCell(row.key[d] ?? '')), ...numberCells(row, paint, rules)]);
  const more = rows.length > top ? `\n  ... ${rows.length - top} more (use --top or --format json)` : '';
  return `${paint.bold(title)}\n${t.toString()}${more}\n`;
}

function headline(m: ReportModel): string {
  const i = m.input;
  const span =
    i.firstEvent !== null && i.lastEvent !== null
      ? `, events ${bucketTime(i.firstEvent, m.range.tz)} to ${bucketTime(i.lastEvent, m.range.tz)} ${m.range.tz}`
      : '';
  const bad = i.badRecords > 0 ? ` (${formatCount(i.badRecords)} bad)` : '';
  return `pmta-acct report: ${formatCount(i.files)} file${i.files === 1 ? '' : 's'}, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records${bad}${span}`;
}

function totals(m: ReportModel, paint: Paint, rules: RuleSet): string {
  const c = m.total.counts;
  const lv = rowLevels(m.total, rules);
  const TableClass = cliTable();
  const t = new TableClass({ style: { head: [], border: [], compact: true } });
  // With --compare, a third column: the change of the row's figure (its rate, where it has one).
  const base = m.comparison?.total ?? null;
  const f = figuresOf(m.total);
  const chg = (name: FigureName): string[] => (base === null ? [] : [formatChange(changeOf(name, f[name], base[name]))]);
  t.push(
    { Delivered: [formatCount(c.delivered), formatBytes(c.deliveredBytes), ...chg('delivered')] },
    { Deferred: [formatCount(c.deferred), `rate ${paint.level(formatRate(m.total.rates.deferral), lv.deferral)}`, ...chg('deferralRate')] },
    { 'Queue deferrals (tq)': [formatCount(c.queueDeferred), '', ...chg('queueDeferred')] },
    { Bounced: [formatCount(c.bounced), `rate ${paint.level(formatRate(m.total.rates.bounce), lv.bounce)}`, ...chg('bounceRate')] },
    {
      '  hard': [
        formatCount(c.hardBounced),
        `rate ${paint.level(formatRate(m.total.rates.hardBounce), lv.hardBounce)}`,
        ...chg('hardBounceRate'),
      ],
    },
    { '  soft': [formatCount(c.softBounced), '', ...chg('softBounced')] },
    {
      Complaints: [
        formatCount(c.complaints),
        `rate ${paint.level(formatRate(m.total.rates.complaint, 3), lv.complaint)}`,
        ...chg('complaintRate'),
      ],
    },
    { 'Remote bounces (rb)': [formatCount(c.remoteBounced), '', ...chg('remoteBounced')] },
    { 'Remote status (rs)': [formatCount(c.remoteStatus), '', ...chg('remoteStatus')] },
    { 'Received (r)': [formatCount(c.received), '', ...chg('received')] },
    {
      'Delivery latency': [
        `p50 ${formatSeconds(m.total.latency.p50)}`,
        `p90 ${formatSeconds(m.total.latency.p90)}  p99 ${formatSeconds(m.total.latency.p99)}`,
        ...chg('latencyP50'),
      ],
    },
  );
  const cmp = m.comparison === null ? '' : `${terminalSafe(comparisonSentence(m.comparison, m.range.tz))}\n`;
  return `${paint.bold('Totals')}\n${cmp}${t.toString()}\n`;
}

/** The input's notes (input-notes.ts), then its first bad records. */
function notesText(m: ReportModel): string {
  const notes = inputNotes(m.input).map(terminalSafe);
  if (m.input.badRecords > 0 || m.input.warnings > 0)
    for (const p of m.input.problems.slice(0, 5)) notes.push(`  ${terminalSafe(formatProblem(p))}`);
  return notes.length === 0 ? '' : `${notes.join('\n')}\n`;
}

const LEVEL_PAINT: Readonly<Record<string, Level>> = { CRIT: 'crit', WARN: 'warn' };

/** What the rules say, first: one line per verdict worth reading. */
function verdicts(m: ReportModel, paint: Paint): string {
  const s = m.verdicts;
  if (!s) return '';
  const lines = verdictLines(s).map((l) => `  ${paint.level(l.level.padEnd(4), LEVEL_PAINT[l.level] ?? 'ok')}  ${terminalSafe(l.text)}`);
  return `${paint.bold('Verdicts')} (${terminalSafe(verdictContext(s, m.range.tz))})\n${lines.join('\n')}\n`;
}

/** What went wrong during the period, in time order, right after the verdicts. */
function incidents(m: ReportModel, paint: Paint): string {
  const s = m.incidents;
  if (!s) return '';
  const c = clockOf(s, m.range.tz);
  const cmp = m.comparison === null ? null : incidentComparison(m.comparison, s.incidents.length, m.range.tz);
  const title = `${paint.bold('Incidents')} (${terminalSafe(incidentContext(s, c))})${cmp === null ? '' : `\n${terminalSafe(cmp)}`}`;
  if (s.incidents.length === 0) return `${title}\n  none: no rule was at WARN or above in any window\n`;
  const TableClass = cliTable();
  const t = new TableClass({
    head: INCIDENT_COLUMNS.map((col) => col.heading),
    style: { head: [], border: [], compact: true },
    colAligns: INCIDENT_COLUMNS.map((col) => (col.right ? 'right' : 'left')),
  });
  for (const i of s.incidents) {
    t.push(
      INCIDENT_COLUMNS.map((col, k) => {
        const text = terminalSafe(col.cell(i, c));
        return k === 0 ? paint.level(text, LEVEL_PAINT[i.level] ?? 'ok') : text;
      }),
    );
  }
  return `${title}\n${t.toString()}\n`;
}

/** The totals on one line, naming only what is there (query's groups layout). */
function totalLine(m: ReportModel): string {
  const c = m.total.counts;
  const parts: string[] = [];
  const add = (n: number, what: string) => {
    if (n > 0) parts.push(`${formatCount(n)} ${what}`);
  };
  add(c.delivered, 'delivered');
  add(c.deferred, 'deferred');
  add(c.queueDeferred, 'queue deferrals');
  if (c.bounced > 0) parts.push(`${formatCount(c.bounced)} bounced (${formatCount(c.hardBounced)} hard)`);
  add(c.complaints, c.complaints === 1 ? 'complaint' : 'complaints');
  add(c.remoteBounced, 'remote bounces');
  add(c.remoteStatus, 'remote status');
  add(c.received, 'received');
  const l = m.total.latency;
  const latency =
    l.count > 0 ? `; delivery latency p50 ${formatSeconds(l.p50)}, p90 ${formatSeconds(l.p90)}, p99 ${formatSeconds(l.p99)}` : '';
  return `Total: ${parts.length > 0 ? parts.join(', ') : 'nothing'}${latency}\n`;
}

/** The groups as they are (already ordered and cut by the model), with a bucket column when bucketed. */
function groupsSection(m: ReportModel, paint: Paint, top: number, rules: RuleSet): string {
  if (m.groups.length === 0) return `${paint.bold('No matching records.')}\n`;
  const bucketed = m.bucket !== null;
  const labels = [...(bucketed ? ['Bucket'] : []), ...m.by.map(label)];
  const rows = m.groups
    .slice(0, top)
    .map((row) => [
      ...(bucketed ? [row.bucket === null ? '(no time)' : bucketTime(row.bucket, m.range.tz)] : []),
      ...m.by.map((d) => keyCell(row.key[d] ?? '')),
    ]);
  const widths = labels.map((_, i) => (rows.some((r) => r[i].length > WRAP_KEY) ? WRAP_KEY + 2 : null));
  const t = makeTable([...labels, ...GROUP_HEADS], widths);
  m.groups.slice(0, top).forEach((row, i) => t.push([...rows[i], ...numberCells(row, paint, rules)]));
  const title =
    m.by.length === 0
      ? `Every ${m.bucket} (${m.range.tz})`
      : `By ${[...(bucketed ? [`${m.bucket} bucket`] : []), ...m.by.map(label)].join(' and ')}`;
  const hidden = m.groups.length - Math.min(top, m.groups.length);
  const more =
    hidden > 0 || m.omittedKeys > 0
      ? `\n  ... ${hidden > 0 ? `${formatCount(hidden)} more rows` : `${formatCount(m.omittedKeys)} more keys`} (use --top or --format json)`
      : '';
  return `${paint.bold(title)}\n${t.toString()}${more}\n`;
}

export function renderTable(m: ReportModel, opts: TableOptions = {}): string {
  const paint = opts.paint ?? NO_PAINT;
  const top = opts.top ?? 20;
  const rules = m.rules ?? BUILT_IN;
  if (opts.layout === 'groups') {
    const parts = [`${opts.headline ?? headline(m)}\n${totalLine(m)}`];
    if (m.by.length > 0 || m.bucket !== null) parts.push(groupsSection(m, paint, top, rules));
    const notes = notesText(m);
    if (notes) parts.push(notes);
    return parts.filter((p) => p !== '').join('\n');
  }
  const parts = [`${opts.headline ?? headline(m)}\n`, verdicts(m, paint), incidents(m, paint), totals(m, paint, rules)];
  if (m.byIsp) parts.push(section('By ISP', m.byIsp, ['isp'], ['ISP'], paint, top, rules));
  if (m.byIp) parts.push(section('By sending IP', m.byIp, ['ip'], ['Sending IP'], paint, top, rules));
  const plain = m.by.length === 1 && (m.by[0] === 'isp' || m.by[0] === 'ip');
  if (m.by.length > 0 && !plain) {
    parts.push(section(`By ${m.by.map(label).join(' and ')}`, m.byKey, m.by, m.by.map(label), paint, top, rules));
  }
  const bars = volumeBars(m, { paint });
  if (bars !== null) parts.push(`${paint.bold(bars.title)}\n${bars.lines.join('\n')}\n`);
  if (m.bucket !== null && m.series.length > 0) {
    const t = makeTable(['Bucket', ...GROUP_HEADS]);
    for (const row of m.series) t.push([row.bucket === null ? '' : bucketTime(row.bucket, m.range.tz), ...numberCells(row, paint, rules)]);
    parts.push(`${paint.bold(`Every ${m.bucket} (${m.range.tz})`)}\n${t.toString()}\n`);
  }
  const notes = notesText(m);
  if (notes) parts.push(notes);
  return parts.filter((p) => p !== '').join('\n');
}
