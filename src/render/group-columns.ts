/**
 * The number columns of every group table (per ISP, per IP, --by, query groups, the time series),
 * written once: heading, cell text, the rate whose rule highlights it, and the figure whose change
 * --compare shows beside it. The text table, Markdown and HTML renderers add only their markup.
 */
import type { FigureName } from '../model/compare.js';
import type { GroupRow } from '../model/rows.js';
import type { RateMetric, RuleSet } from '../verdict/types.js';
import { formatCount, formatRate, formatSeconds } from './format.js';
import { rowLevels, type Level } from './highlight.js';

interface GroupColumn {
  readonly head: string;
  readonly text: (row: GroupRow) => string;
  /** The rate the column shows, highlighted as the rules judge it; null for counts and latency. */
  readonly rate: RateMetric | null;
  readonly figure: FigureName;
}

const count = (head: string, figure: FigureName & keyof GroupRow['counts']): GroupColumn => ({
  head,
  text: (row) => formatCount(row.counts[figure]),
  rate: null,
  figure,
});

const rate = (head: string, metric: RateMetric, figure: FigureName, digits?: number): GroupColumn => ({
  head,
  text: (row) => formatRate(row.rates[metric], digits),
  rate: metric,
  figure,
});

const COLUMNS: readonly GroupColumn[] = [
  count('Delivered', 'delivered'),
  count('Deferred', 'deferred'),
  count('Bounced', 'bounced'),
  count('Hard', 'hardBounced'),
  count('Complaints', 'complaints'),
  rate('Deferral', 'deferral', 'deferralRate'),
  rate('Bounce', 'bounce', 'bounceRate'),
  rate('Hard %', 'hardBounce', 'hardBounceRate'),
  rate('Complaint', 'complaint', 'complaintRate', 3),
  { head: 'p50', text: (row) => formatSeconds(row.latency.p50), rate: null, figure: 'latencyP50' },
  { head: 'p90', text: (row) => formatSeconds(row.latency.p90), rate: null, figure: 'latencyP90' },
];

/** The number columns' headings, in order. */
export const GROUP_HEADS: readonly string[] = COLUMNS.map((c) => c.head);

export interface GroupCell {
  readonly text: string;
  /** 'ok' unless the column is a rate a rule says is bad for this row. */
  readonly level: Level;
  /** The figure to compare with a baseline. */
  readonly figure: FigureName;
}

/** A row's number cells, in GROUP_HEADS order. */
export function groupCells(row: GroupRow, rules: RuleSet): GroupCell[] {
  const levels = rowLevels(row, rules);
  return COLUMNS.map((c) => ({ text: c.text(row), level: c.rate === null ? 'ok' : levels[c.rate], figure: c.figure }));
}
