/**
 * `check` output as a Nagios/Icinga plugin (Monitoring Plugins Development Guidelines, "Plugin
 * Output"): a status line `PMTA-ACCT STATUS - message | perfdata`, then one line per other
 * verdict (the long output). Performance data: `'label'=value[UOM];[warn];[crit];[min];[max]`,
 * space separated, trailing empty fields dropped. Text from the logs (IPs, vmta and pool names)
 * cannot break the format: control characters are escaped and `|` is replaced.
 */
import { formatCount } from '../util/numbers.js';
import type { VerdictSummary } from '../verdict/plan.js';
import type { Verdict } from '../verdict/types.js';
import { isoTime } from './format.js';
import type { ReportModel } from '../model/model.js';
import { reportJson } from './json.js';
import { terminalSafe } from './sanitize.js';
import { verdictJson } from './verdict-json.js';
import { verdictContext, verdictLines } from './verdicts.js';

export const CHECK_JSON_VERSION = 1;
export type PluginStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

export function pluginStatus(level: 'OK' | 'WARN' | 'CRIT'): PluginStatus {
  return level === 'CRIT' ? 'CRITICAL' : level === 'WARN' ? 'WARNING' : 'OK';
}

/** Plugin text: one line, no control characters, no `|` (it starts the performance data). */
export function pluginSafe(s: string): string {
  return terminalSafe(s).replaceAll('|', '/');
}

const PERF_METRIC: Readonly<Record<Verdict['metric'], string>> = {
  deferral: 'deferral',
  bounce: 'bounce',
  hardBounce: 'hard_bounce',
  complaint: 'complaint',
  silence: 'delivered',
  msgRate: 'rate',
  capacity: 'rate',
};

function perfNumber(x: number): string {
  return String(Math.round(x * 10_000) / 10_000);
}

/** A label made of letters, digits and `_ . : @ -` only (a quote or `=` would end it). */
export function perfLabel(v: Verdict): string {
  const scope = Object.values(v.scope).join('_') || 'total';
  return `${scope}_${PERF_METRIC[v.metric]}`.replace(/[^A-Za-z0-9_.:@-]/g, '_');
}

function perfItem(v: Verdict, label: string): string {
  const pct = (x: number | null) => (x === null ? '' : perfNumber(x * 100));
  const num = (x: number | null) => (x === null ? '' : perfNumber(x));
  let fields: string[];
  switch (v.metric) {
    case 'silence':
      fields = [num(v.value), v.warn === null ? '' : '1:', v.crit === null ? '' : '1:', '0'];
      break;
    case 'msgRate':
      fields = [num(v.value), num(v.warn), num(v.crit), '0'];
      break;
    case 'capacity':
      fields = [num(v.value), '', '', '0', num(v.limit)];
      break;
    default:
      fields = [`${pct(v.value)}%`, pct(v.warn), pct(v.crit), '0', '100'];
  }
  while (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return `'${label}'=${fields.join(';')}`;
}

/** Performance data of the verdicts whose rule asks for it; a label used twice gets the window appended. */
export function perfdata(s: VerdictSummary, badRecords: number): string[] {
  const order = new Map(s.rules.rules.filter((r) => r.perfdata).map((r, i) => [r.name, i]));
  // In rule order, then by label: the same metrics in the same place whatever their levels.
  const vs = s.verdicts
    // INFO on a rate rule is a note (no evidence to judge), not a measurement
    .filter((v) => order.has(v.rule) && (v.level !== 'INFO' || v.metric === 'capacity'))
    .map((v) => ({ v, label: perfLabel(v) }))
    .sort(
      (a, b) =>
        (order.get(a.v.rule) ?? 0) - (order.get(b.v.rule) ?? 0) ||
        (a.label < b.label ? -1 : a.label > b.label ? 1 : a.v.window.seconds - b.v.window.seconds),
    )
    .map((x) => x.v);
  const labels = vs.map(perfLabel);
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const items = vs.map((v, i) => perfItem(v, (count.get(labels[i]) ?? 0) > 1 ? `${labels[i]}_${v.window.seconds / 60}m` : labels[i]));
  items.push(`'bad_records'=${badRecords};;;0`);
  return items;
}

export interface CheckTextOptions {
  /** List the OK verdicts one by one instead of counting them. */
  readonly verbose?: boolean;
  /** Notes about the input (two streams sharing record types...): `note:` lines before the input line, never cut. */
  readonly notes?: readonly string[];
}

export function renderCheckText(m: ReportModel, s: VerdictSummary, opts: CheckTextOptions = {}): string {
  const status = pluginStatus(s.status);
  const problems = s.verdicts.filter((v) => v.level === 'WARN' || v.level === 'CRIT');
  let head: string;
  if (problems.length > 0) {
    head = problems[0].message + (problems.length > 1 ? ` (+${problems.length - 1} more)` : '');
  } else {
    const n = s.verdicts.filter((v) => v.level === 'OK').length;
    head = n === 0 ? 'nothing to judge: no rule had enough volume' : `${formatCount(n)} verdict${n === 1 ? '' : 's'} OK`;
  }
  const lines = [`PMTA-ACCT ${status} - ${pluginSafe(head)} | ${perfdata(s, m.input.badRecords).join(' ')}`];
  const rest = verdictLines(s, opts.verbose === true).filter((l, i) => !(problems.length > 0 && i === 0));
  for (const l of rest) lines.push(`${l.level}: ${pluginSafe(l.text)}`);
  const notes = (opts.notes ?? []).map((n) => pluginSafe(`note: ${n}`));
  lines.push(...notes);
  const i = m.input;
  const bad = i.badRecords > 0 && i.problems.length > 0 ? ` (first: ${i.problems[0].file}:${i.problems[0].line})` : '';
  lines.push(
    pluginSafe(
      `input: ${formatCount(i.files)} file${i.files === 1 ? '' : 's'}, ${formatCount(i.records)} records, ${formatCount(i.badRecords)} bad${bad}; ${verdictContext(s, m.range.tz)}`,
    ),
  );
  return `${capOutput(lines, PLUGIN_OUTPUT_BYTES, 1 + notes.length).join('\n')}\n`;
}

/**
 * Nagios Core reads at most 8 KB of a plugin's output (MAX_PLUGIN_OUTPUT_LENGTH) and cuts the rest
 * mid-line. A server with hundreds of IPs over their rate can say more than that, so the long
 * output is cut here, between lines, with a count of what was left out.
 */
export const PLUGIN_OUTPUT_BYTES = 8000;

/** Keep the status line and the `tail` last lines (notes, input); drop verdict lines from the end to fit `budget` bytes. */
export function capOutput(lines: readonly string[], budget: number, tail = 1): string[] {
  const size = (ls: readonly string[]) => ls.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  if (lines.length <= 1 + tail || size(lines) <= budget) return [...lines];
  const first = lines[0];
  const last = lines.slice(-tail);
  const middle = lines.slice(1, -tail);
  const kept: string[] = [];
  let used = size([first, ...last]) + 80; // room for the note
  for (const l of middle) {
    const n = Buffer.byteLength(l) + 1;
    if (used + n > budget) break;
    kept.push(l);
    used += n;
  }
  const left = middle.length - kept.length;
  return [
    first,
    ...kept,
    `... ${formatCount(left)} more verdict line${left === 1 ? '' : 's'} (check --format json lists them all)`,
    ...last,
  ];
}

/**
 * The input's latest record when it is before the windows' end; null without a timed record, or
 * when records follow the end (an --at in the past: the last one before it is not known).
 */
export function lastRecordBefore(m: ReportModel, end: number | null): number | null {
  const last = m.input.lastEvent;
  return last !== null && end !== null && last < end ? last : null;
}

export function renderCheckJson(m: ReportModel, s: VerdictSummary, exitCode: number, notes: readonly string[] = []): string {
  const tz = m.range.tz;
  const last = lastRecordBefore(m, s.end);
  const out = {
    version: CHECK_JSON_VERSION,
    status: pluginStatus(s.status),
    exitCode,
    end: s.end === null ? null : isoTime(s.end, tz),
    lastRecord: last === null || s.end === null ? null : { at: isoTime(last, tz), age: s.end - last },
    rules: s.rules.file,
    pmtaConfig: s.pmtaConfig,
    input: reportJson(m).input,
    notes,
    verdicts: s.verdicts.map((v) => verdictJson(v, tz)),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The UNKNOWN answer (bad arguments, unreadable input, a bad rules file). */
export function renderCheckUnknown(message: string, json: boolean): string {
  if (json) return `${JSON.stringify({ version: CHECK_JSON_VERSION, status: 'UNKNOWN', exitCode: 3, error: message }, null, 2)}\n`;
  return `PMTA-ACCT UNKNOWN - ${pluginSafe(message)}\n`;
}
