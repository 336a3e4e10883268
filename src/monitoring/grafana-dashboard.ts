/**
 * A Grafana dashboard over `tail --metrics`, importable as it is: a datasource variable and
 * instance/isp/ip/vmta/pool variables, the rates the verdicts judge (over the rules' windows, with
 * the rules' thresholds drawn and in each panel's description), attempts per hour stacked,
 * delivery latency percentiles, ingest health, and the firing alerts of contrib/prometheus.
 * `pmta-acct grafana-dashboard` prints it; contrib/grafana/pmta-acct.json is that output for the
 * built-in rules (a test holds the two equal and checks every query with promtool).
 */
import { type RateName } from '../rollup/counters.js';
import { GAP_METRIC, LATENCY_METRIC, RECORDS_READ_METRIC } from './metric-names.js';
import { formatCount, formatPercent, formatWindow } from '../util/numbers.js';
import { METRIC_WORDS } from '../verdict/message.js';
import { ruleForRow } from '../verdict/thresholds.js';
import { isRateRule, type RateRule, type RuleSet } from '../verdict/types.js';
import { counterMetric, labelOf, rateTerms, sumExpr } from './promql.js';
import { alertName } from './prometheus-rules.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const DATASOURCE: Obj = { type: 'prometheus', uid: '${datasource}' };

/** The dashboard's variables: name, label and the label they filter on. */
const VARIABLES: readonly (readonly [name: string, label: string, promLabel: string])[] = [
  ['instance', 'Instance', 'instance'],
  ['isp', 'ISP', labelOf('isp')],
  ['ip', 'Sending IP', labelOf('ip')],
  ['vmta', 'VirtualMTA', labelOf('vmta')],
  ['pool', 'Pool', labelOf('pool')],
];

/** Matchers of the variables on the counters (a complaint has no sending IP, vmta or pool to filter by). */
function matchers(opts: { complaint?: boolean; only?: readonly string[] } = {}): string[] {
  return VARIABLES.filter(
    ([name]) =>
      (opts.only === undefined || opts.only.includes(name)) && !(opts.complaint === true && name !== 'instance' && name !== 'isp'),
  ).map(([name, , label]) => `${label}=~"$${name}"`);
}

function variable(name: string, label: string, promLabel: string): Obj {
  const series =
    name === 'instance'
      ? RECORDS_READ_METRIC
      : `{__name__=~"${['delivered', 'deferred', 'bounced'].map((c) => counterMetric(c as 'delivered')).join('|')}", instance=~"$instance"}`;
  const query = `label_values(${series}, ${promLabel})`;
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    query,
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    hide: 0,
  };
}

interface Layout {
  y: number;
  id: number;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string; readonly interval?: string }[];
  readonly unit: string;
  readonly width: number;
  readonly type?: 'timeseries' | 'stat' | 'table';
  readonly thresholds?: readonly [warn: number | null, crit: number | null];
  readonly stack?: boolean;
}

function thresholdSteps(t: readonly [number | null, number | null] | undefined): Obj {
  const steps: Obj[] = [{ color: 'green', value: null }];
  if (t?.[0] !== null && t?.[0] !== undefined) steps.push({ color: 'orange', value: t[0] });
  if (t?.[1] !== null && t?.[1] !== undefined) steps.push({ color: 'red', value: t[1] });
  return { mode: 'absolute', steps };
}

class Board {
  readonly panels: Obj[] = [];
  private at: Layout = { y: 0, id: 1 };
  private x = 0;
  private rowHeight = 0;

  row(title: string): void {
    this.newLine();
    this.panels.push({ type: 'row', title, id: this.at.id++, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: this.at.y }, panels: [] });
    this.at.y += 1;
  }

  private newLine(): void {
    if (this.x > 0) this.at.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }

  panel(p: PanelSpec): void {
    const type = p.type ?? 'timeseries';
    const h = type === 'stat' ? 4 : 8;
    if (this.x + p.width > 24) this.newLine();
    const custom: Obj =
      type === 'timeseries'
        ? {
            drawStyle: p.stack === true ? 'bars' : 'line',
            lineWidth: 1,
            fillOpacity: p.stack === true ? 80 : 0,
            showPoints: 'never',
            spanNulls: true,
            stacking: { mode: p.stack === true ? 'normal' : 'none', group: 'A' },
            thresholdsStyle: { mode: p.thresholds === undefined ? 'off' : 'dashed' },
          }
        : {};
    const options: Obj =
      type === 'timeseries'
        ? {
            legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'], showLegend: true },
            tooltip: { mode: 'multi', sort: 'desc' },
          }
        : type === 'stat'
          ? {
              colorMode: 'background',
              graphMode: 'area',
              reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
              textMode: 'auto',
            }
          : { showHeader: true };
    this.panels.push({
      type,
      title: p.title,
      description: p.description,
      id: this.at.id++,
      datasource: DATASOURCE,
      gridPos: { h, w: p.width, x: this.x, y: this.at.y },
      fieldConfig: {
        defaults: {
          unit: p.unit,
          min: 0,
          thresholds: thresholdSteps(p.thresholds),
          color: { mode: p.thresholds === undefined || type === 'timeseries' ? 'palette-classic' : 'thresholds' },
          custom,
        },
        overrides: [],
      },
      options,
      targets: p.targets.map((t, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DATASOURCE,
        expr: t.expr,
        legendFormat: t.legend,
        range: type !== 'table',
        instant: type === 'table',
        ...(t.interval === undefined ? {} : { interval: t.interval }),
        ...(type === 'table' ? { format: 'table' } : {}),
      })),
    });
    this.x += p.width;
    this.rowHeight = Math.max(this.rowHeight, h);
  }
}

/** The rule whose thresholds a rate's panel draws (as the tables highlight: thresholds.ts), and its window. */
function ruleOf(set: RuleSet, rate: RateName, key: Record<string, string>): { rule: RateRule | null; window: number } {
  const rule = ruleForRow(set.rules, rate, key);
  const windows = set.rules.filter(isRateRule).map((r) => r.window);
  return { rule, window: rule?.window ?? (windows.length === 0 ? 86400 : Math.max(...windows)) };
}

function rateText(rate: RateName): string {
  const t = rateTerms(rate);
  const words = (terms: typeof t.count) => terms.map((x) => x.counter.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)).join(' + ');
  return `${words(t.count)} / (${words(t.volume)})`;
}

function thresholdText(rule: RateRule | null): string {
  if (rule === null) return 'No rule judges this rate.';
  const parts = [
    rule.warn === null ? '' : `WARN above ${formatPercent(rule.warn)}`,
    rule.crit === null ? '' : `CRIT above ${formatPercent(rule.crit)}`,
  ].filter((x) => x !== '');
  return `Rule ${rule.name}: ${parts.join(', ')} (dashed lines), judged once the denominator reaches ${formatCount(rule.minVolume)}; alert ${alertName(rule)}.`;
}

/** A rate per level (null: all selected tails together), over `window`, from the raw counters. */
function rateQuery(rate: RateName, label: string | null, window: number): string {
  const t = rateTerms(rate);
  const opts = { range: window, by: label === null ? [] : [label], matchers: matchers({ complaint: rate === 'complaint' }) };
  const volume = sumExpr(t.volume, label, opts);
  return `(\n${sumExpr(t.count, label, opts)}\nor\n0 * ${volume}\n)\n/\n(${volume} > 0)`;
}

function capital(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}`;
}

function ratePanel(board: Board, set: RuleSet, rate: RateName, dim: 'isp' | 'ip'): void {
  const label = labelOf(dim);
  const { rule, window } = ruleOf(set, rate, { [dim]: '' });
  const w = formatWindow(window);
  board.panel({
    title: `${capital(METRIC_WORDS[rate])} per ${dim === 'isp' ? 'ISP' : 'sending IP'} (${w})`,
    description: `${rateText(rate)} over the last ${w}, per ${label}. ${thresholdText(rule)}`,
    targets: [{ expr: rateQuery(rate, label, window), legend: `{{${label}}}` }],
    unit: 'percentunit',
    width: 12,
    thresholds: rule === null ? undefined : [rule.warn, rule.crit],
  });
}

export function grafanaDashboard(set: RuleSet): Obj {
  const board = new Board();
  board.row("Verdicts: the rules' rates over their windows, for the tails and filters selected");
  for (const rate of ['deferral', 'bounce', 'hardBounce', 'complaint'] as const) {
    const { rule, window } = ruleOf(set, rate, {});
    board.panel({
      type: 'stat',
      title: `${capital(METRIC_WORDS[rate])} (${formatWindow(window)})`,
      description: `${rateText(rate)} over the last ${formatWindow(window)}. ${thresholdText(rule)}`,
      targets: [{ expr: rateQuery(rate, null, window), legend: METRIC_WORDS[rate] }],
      unit: 'percentunit',
      width: 4,
      thresholds: rule === null ? undefined : [rule.warn, rule.crit],
    });
  }
  board.panel({
    type: 'table',
    title: 'Firing alerts',
    description: "Alerts of contrib/prometheus/pmta-acct.rules.yml firing now (Prometheus' ALERTS series).",
    targets: [{ expr: 'ALERTS{alertname=~"PmtaAcct.*", alertstate="firing", instance=~"$instance"}', legend: '{{alertname}}' }],
    unit: 'none',
    width: 8,
  });
  board.row('Rates per ISP');
  for (const rate of ['deferral', 'hardBounce', 'bounce', 'complaint'] as const) ratePanel(board, set, rate, 'isp');
  board.row("Rates per sending IP (an IP with no rule of its own is drawn against the ISP rule's thresholds, as the tables highlight it)");
  for (const rate of ['deferral', 'hardBounce'] as const) ratePanel(board, set, rate, 'ip');
  board.row('Volume');
  const perHour = { range: '$__interval', by: [] as string[], matchers: matchers() };
  board.panel({
    title: 'Attempts per hour, by outcome',
    description: "Delivered, deferred and bounced per hour (stacked): what PowerMTA's max-msg-rate limits.",
    targets: (['delivered', 'deferred', 'bounced'] as const).map((c) => ({
      expr: sumExpr([{ counter: c, coef: 1 }], null, perHour),
      legend: c,
      interval: '1h',
    })),
    unit: 'short',
    width: 12,
    stack: true,
  });
  board.panel({
    title: 'Attempts per hour, by ISP',
    description: 'Delivered + deferred + bounced per hour and ISP (stacked).',
    targets: [
      {
        expr: sumExpr(rateTerms('deferral').volume, labelOf('isp'), { ...perHour, by: [labelOf('isp')] }),
        legend: `{{${labelOf('isp')}}}`,
        interval: '1h',
      },
    ],
    unit: 'short',
    width: 12,
    stack: true,
  });
  board.row('Delivery latency (timeLogged - timeQueued of d records)');
  const latencySel = `{${matchers({ only: ['instance', 'isp'] }).join(', ')}}`;
  board.panel({
    title: 'Delivery latency percentiles',
    description: 'From the latency histogram (per ISP only: it has no IP, VirtualMTA or pool label).',
    targets: ['0.5', '0.9', '0.99'].map((q) => ({
      expr: `histogram_quantile(${q}, sum by (le) (rate(${LATENCY_METRIC}_bucket${latencySel}[$__rate_interval])))`,
      legend: `p${Number(q) * 100}`,
    })),
    unit: 's',
    width: 12,
  });
  board.panel({
    title: 'Median delivery latency per ISP',
    description: 'p50 of the latency histogram per ISP.',
    targets: [
      {
        expr: `histogram_quantile(0.5, sum by (le, isp) (rate(${LATENCY_METRIC}_bucket${latencySel}[$__rate_interval])))`,
        legend: '{{isp}}',
      },
    ],
    unit: 's',
    width: 12,
  });
  board.row('Ingest: is tail keeping up?');
  const inst = '{instance=~"$instance"}';
  board.panel({
    title: 'Records read per second',
    description: 'Data records read from the accounting files (or the pipe).',
    targets: [{ expr: `sum by (instance) (rate(${RECORDS_READ_METRIC}${inst}[$__rate_interval]))`, legend: '{{instance}}' }],
    unit: 'short',
    width: 8,
  });
  board.panel({
    title: 'Ingest lag',
    description: 'Bytes written to the followed files and not read yet.',
    targets: [{ expr: `pmta_acct_ingest_lag_bytes${inst}`, legend: '{{instance}}' }],
    unit: 'bytes',
    width: 8,
  });
  board.panel({
    title: 'Age of the latest event',
    description: 'Now minus the timeLogged of the latest record counted: grows when PowerMTA sends nothing, or tail does not keep up.',
    targets: [{ expr: `time() - pmta_acct_last_event_timestamp_seconds${inst}`, legend: '{{instance}}' }],
    unit: 's',
    width: 8,
  });
  board.panel({
    title: 'Bad records per hour, by problem',
    description: 'Bad records and warnings by code (report --state lists where they are).',
    targets: [{ expr: `sum by (code) (increase(pmta_acct_bad_records_total${inst}[1h]))`, legend: '{{code}}' }],
    unit: 'short',
    width: 8,
  });
  board.panel({
    title: 'Data lost (bytes)',
    description: 'Files that went away before they were read to their end (tail says DATA LOST).',
    targets: [{ expr: `sum by (instance) (${GAP_METRIC}${inst})`, legend: '{{instance}}' }],
    unit: 'bytes',
    width: 8,
    thresholds: [null, 1],
  });
  board.panel({
    title: 'Files followed and commits per minute',
    description: 'Files open for reading, and state commits (counts and offsets in one transaction).',
    targets: [
      { expr: `sum by (instance) (pmta_acct_files_followed${inst})`, legend: 'files {{instance}}' },
      { expr: `sum by (instance) (rate(pmta_acct_commits_total${inst}[$__rate_interval])) * 60`, legend: 'commits/min {{instance}}' },
    ],
    unit: 'short',
    width: 8,
  });
  return {
    title: 'PowerMTA accounting (pmta-acct)',
    uid: 'pmta-acct',
    description: `Rates, volume, latency and ingest of pmta-acct tail --metrics, with the thresholds of ${set.file === null ? 'the built-in rules' : set.file}. Written by pmta-acct grafana-dashboard.`,
    tags: ['pmta-acct', 'powermta', 'email'],
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 39,
    version: 1,
    timezone: '',
    time: { from: 'now-24h', to: 'now' },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        },
        ...VARIABLES.map(([name, label, promLabel]) => variable(name, label, promLabel)),
      ],
    },
    panels: board.panels,
  };
}

export function renderGrafanaDashboard(set: RuleSet): string {
  return `${JSON.stringify(grafanaDashboard(set), null, 2)}\n`;
}
