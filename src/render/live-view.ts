/**
 * The full-screen view of `tail` as a string: a status block, then one row per key (ISP, sending
 * IP or VirtualMTA) with the current bucket's counts and rates next to the previous bucket's.
 * Columns that do not fit the terminal are dropped from the right, rows that do not fit are cut
 * ("... N more"). Keys come from records: escaped before they are measured or shown.
 */
import { bucketTime, formatBytes, formatCount, formatRate } from './format.js';
import { rowLevels, type Level, type Paint } from './highlight.js';
import { BUILT_IN } from '../verdict/defaults.js';
import type { RuleSet } from '../verdict/types.js';
import type { GroupRow } from '../model/rows.js';
import { terminalSafe } from './sanitize.js';

export type ViewMode = 'isp' | 'ip' | 'vmta';

export const MODE_LABEL: Record<ViewMode, string> = { isp: 'ISP', ip: 'Sending IP', vmta: 'VirtualMTA' };

export interface LiveStatus {
  readonly live: string;
  readonly rate: number;
  readonly lagBytes: number;
  readonly badRecords: number;
  readonly records: number;
  readonly files: number;
  readonly lastEvent: number | null;
  readonly paused: boolean;
  readonly gaps: number;
  readonly notices: readonly string[];
}

export interface LiveRow {
  readonly key: string;
  readonly cur: GroupRow | null;
  readonly prev: GroupRow | null;
}

export interface LiveData {
  readonly mode: ViewMode;
  /** Whether the state keeps this dimension at all. */
  readonly available: boolean;
  readonly bucketSize: string;
  readonly tz: string;
  readonly current: number | null;
  readonly previous: number | null;
  readonly rows: readonly LiveRow[];
  readonly total: LiveRow;
}

interface Column {
  readonly head: string;
  readonly width: number;
  readonly cell: (r: LiveRow) => { text: string; level: Level };
}

const ok = (text: string) => ({ text, level: 'ok' as Level });

function count(pick: (r: GroupRow) => number, which: 'cur' | 'prev') {
  return (r: LiveRow) => ok(r[which] === null ? '-' : formatCount(pick(r[which])));
}

function rate(rules: RuleSet, kind: 'deferral' | 'hardBounce' | 'complaint', which: 'cur' | 'prev', digits = 2) {
  return (r: LiveRow) => {
    const g = r[which];
    if (g === null) return ok('-');
    return { text: formatRate(g.rates[kind], digits), level: rowLevels(g, rules)[kind] };
  };
}

/** The columns, rates highlighted by the rules in effect. */
function columnsFor(rules: RuleSet): readonly Column[] {
  return [
    { head: 'Delivered', width: 10, cell: count((g) => g.counts.delivered, 'cur') },
    { head: 'Deferred', width: 9, cell: count((g) => g.counts.deferred, 'cur') },
    { head: 'Bounced', width: 8, cell: count((g) => g.counts.bounced, 'cur') },
    { head: 'Hard', width: 6, cell: count((g) => g.counts.hardBounced, 'cur') },
    { head: 'Compl', width: 6, cell: count((g) => g.counts.complaints, 'cur') },
    { head: 'Deferral', width: 9, cell: rate(rules, 'deferral', 'cur') },
    { head: 'Hard %', width: 7, cell: rate(rules, 'hardBounce', 'cur') },
    { head: 'Compl %', width: 8, cell: rate(rules, 'complaint', 'cur', 3) },
    { head: 'prev Dlv', width: 10, cell: count((g) => g.counts.delivered, 'prev') },
    { head: 'Deferral', width: 9, cell: rate(rules, 'deferral', 'prev') },
    { head: 'Hard %', width: 7, cell: rate(rules, 'hardBounce', 'prev') },
  ];
}

/** A text's code points: one terminal column each, near enough for names and figures. */
function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Cut a (safe, single-line) text to `width` columns. */
function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = codePoints(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function pad(text: string, width: number, right: boolean): string {
  const n = codePoints(text).length;
  return n >= width ? text : right ? ' '.repeat(width - n) + text : text + ' '.repeat(width - n);
}

function statusLines(s: LiveStatus, d: LiveData, width: number, paint: Paint): string[] {
  const head = `pmta-acct tail  ${terminalSafe(s.live)}`;
  const stats = `${formatCount(Math.round(s.rate))} rows/s  lag ${formatBytes(s.lagBytes)}  bad records ${formatCount(s.badRecords)}  records ${formatCount(s.records)}  files ${s.files}${s.paused ? '  [PAUSED]' : ''}`;
  const span =
    d.current === null
      ? 'no events counted yet'
      : `${d.bucketSize} buckets: ${bucketTime(d.current, d.tz)} (current) vs ${d.previous === null ? '-' : bucketTime(d.previous, d.tz)} (previous), events up to ${s.lastEvent === null ? '-' : bucketTime(s.lastEvent, d.tz)} ${d.tz}`;
  const keys = `view: ${MODE_LABEL[d.mode]}   keys: i ISP  p IP  v VirtualMTA  space pause  q quit`;
  const lines = [paint.bold(fit(head, width)), fit(stats, width), fit(span, width), paint.dim(fit(keys, width))];
  if (s.gaps > 0) lines.push(paint.level(fit(`DATA LOST: ${s.gaps} gap(s) reported (see report --state)`, width), 'crit'));
  return lines;
}

function tableLines(d: LiveData, width: number, height: number, paint: Paint, rules: RuleSet): string[] {
  if (!d.available) return [fit(`this state does not keep ${MODE_LABEL[d.mode]} (see tail --dims)`, width)];
  const keyWidth = Math.min(28, Math.max(MODE_LABEL[d.mode].length, 5, ...d.rows.map((r) => codePoints(r.key).length)));
  let used = keyWidth;
  const cols: Column[] = [];
  for (const c of columnsFor(rules)) {
    if (used + 1 + c.width > width) break;
    cols.push(c);
    used += 1 + c.width;
  }
  const line = (key: string, r: LiveRow | null, style: (t: string) => string = (t) => t) => {
    const cells = [pad(fit(key, keyWidth), keyWidth, false)];
    for (const c of cols) {
      if (r === null) {
        cells.push(pad(c.head, c.width, true));
        continue;
      }
      const { text, level } = c.cell(r);
      cells.push(paint.level(pad(fit(text, c.width), c.width, true), level));
    }
    return style(cells.join(' '));
  };
  const out = [paint.bold(line(MODE_LABEL[d.mode], null))];
  const room = Math.max(0, height - 2);
  const shown = d.rows.length > room ? d.rows.slice(0, Math.max(0, room - 1)) : d.rows;
  for (const r of shown) out.push(line(r.key, r));
  if (shown.length < d.rows.length) out.push(paint.dim(fit(`... ${d.rows.length - shown.length} more`, width)));
  out.push(paint.bold(line('Total', d.total)));
  return out;
}

/** The whole screen: at most `height` lines, none wider than `width` columns. */
export function renderLiveView(s: LiveStatus, d: LiveData, width: number, height: number, paint: Paint, rules: RuleSet = BUILT_IN): string {
  const w = Math.max(20, width);
  const status = statusLines(s, d, w, paint);
  const notices = s.notices.slice(-3).map((n) => paint.dim(fit(terminalSafe(n), w)));
  const tableRoom = Math.max(3, height - status.length - 1 - (notices.length > 0 ? notices.length + 1 : 0));
  const lines = [...status, '', ...tableLines(d, w, tableRoom, paint, rules)];
  if (notices.length > 0) lines.push('', ...notices);
  return lines.slice(0, Math.max(1, height)).join('\n');
}

/** Key text for a view row: escaped, `(none)` for records without a value. */
export function viewKey(value: string): string {
  return value === '' ? '(none)' : terminalSafe(value);
}
