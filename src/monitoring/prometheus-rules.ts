/**
 * Prometheus rules equal to a rule set (the built-in rules, or a rules file), over the counters of
 * `tail --metrics`: recording rules for every rate the verdicts use, per tail (its target labels),
 * per ISP and per sending IP, over the windows of the rate rules; and alerting rules with the
 * rules' thresholds, minimum volumes and `for`. `pmta-acct prometheus-rules` prints them;
 * contrib/prometheus/pmta-acct.rules.yml is that output for the built-in rules (a test holds the
 * two equal, and promtool holds the alerts equal to the tool's verdicts on the same counts).
 *
 * A WARN alert fires above the warning threshold and a CRIT alert above the critical one, so a
 * CRIT level fires both (Prometheus' usual pair; Alertmanager's inhibit rule keeps the warning
 * quiet, README "Prometheus and Grafana").
 */
import { RATE_NAMES, recordsOf, sendingOf, type RateName } from '../rollup/counters.js';
import { GAP_METRIC } from './metric-names.js';
import type * as YAML from 'yaml';
import { lazyRequire } from '../util/lazy-require.js';
import { formatPercent, formatWindow } from '../util/numbers.js';
import { METRIC_WORDS } from '../verdict/message.js';
import { scopeText } from '../verdict/rules-file.js';
import { isRateRule, type RateRule, type Rule, type RuleSet, type SilenceRule } from '../verdict/types.js';
import { labelOf, quote, rateTerms, ratioExpr, recordName, selector, snake, sumExpr, termsOf, type Term } from './promql.js';

/** Required, not imported: the bin runs the bundle from a code cache, where `import()` has no loader (src/cli/bin.ts). */
const loadYaml = lazyRequire<typeof YAML>('yaml');

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

export interface PrometheusRules {
  readonly groups: readonly RuleGroup[];
  /** Rules with no PromQL equal, and why (written as comments). */
  readonly skipped: readonly string[];
}

/** The levels every rate is recorded at for the dashboard, whatever the rules scope. */
const DASHBOARD_DIMS: readonly (string | null)[] = [null, 'isp', 'ip'];

/**
 * Rules by window, each recording rule once, alerts after the recording rules they read: the
 * rules of a group are evaluated in order, so an alert reads the rates of the same evaluation.
 */
class Recorder {
  readonly byWindow = new Map<number, { records: RecordingRule[]; alerts: AlertingRule[] }>();
  private readonly names = new Set<string>();

  private group(window: number): { records: RecordingRule[]; alerts: AlertingRule[] } {
    let g = this.byWindow.get(window);
    if (g === undefined) {
      g = { records: [], alerts: [] };
      this.byWindow.set(window, g);
    }
    return g;
  }

  add(window: number, record: string, expr: string): string {
    if (!this.names.has(record)) {
      this.names.add(record);
      this.group(window).records.push({ record, expr });
    }
    return record;
  }

  alert(window: number, alerts: readonly AlertingRule[]): void {
    this.group(window).alerts.push(...alerts);
  }
}

function termsText(terms: readonly Term[]): string {
  return terms.map((t) => `${t.coef === 1 ? '' : `${t.coef} × `}${snake(t.counter).replace(/_/g, ' ')}`).join(' + ');
}

/** count, volume and ratio of a rate at a level, over a window. */
function rateSeries(rec: Recorder, rate: RateName, label: string | null, window: number): { ratio: string; volume: string } {
  const terms = rateTerms(rate);
  const m = snake(rate);
  const volume = rec.add(
    window,
    recordName(label, `${m}_volume`, 'increase', window),
    sumExpr(terms.volume, label, { range: window, anchor: label === null }),
  );
  const count = rec.add(
    window,
    recordName(label, `${m}_count`, 'increase', window),
    `${sumExpr(terms.count, label, { range: window })}\nor\n0 * ${volume}`,
  );
  const ratio = rec.add(window, recordName(label, m, 'ratio', window), ratioExpr(count, volume));
  return { ratio, volume };
}

/** What a silence rule reads at a level: deliveries, sending records, and (total) any record. */
function silenceSeries(
  rec: Recorder,
  label: string | null,
  window: number,
): { delivered: string; sending: string; records: string | null } {
  const sending = rec.add(
    window,
    recordName(label, 'sending', 'increase', window),
    sumExpr(termsOf(sendingOf, 'sending records'), label, { range: window, anchor: label === null }),
  );
  const delivered = rec.add(
    window,
    recordName(label, 'delivered', 'increase', window),
    `${sumExpr([{ counter: 'delivered', coef: 1 }], label, { range: window })}\nor\n0 * ${sending}`,
  );
  const records =
    label === null
      ? rec.add(
          window,
          recordName(null, 'records', 'increase', window),
          sumExpr(termsOf(recordsOf, 'records'), null, { range: window, anchor: true }),
        )
      : null;
  return { delivered, sending, records };
}

/** deferral → PmtaAcctDeferral, yahoo-deferral → PmtaAcctYahooDeferral. */
export function alertName(rule: Rule): string {
  return `PmtaAcct${rule.name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')}`;
}

/**
 * Matchers of the values a rule judges, as the tool's evaluate() does: one value, or each
 * non-empty value not claimed by a rule for that value alone (same metric and window).
 */
function judgedMatchers(rule: Rule, all: readonly Rule[]): string[] {
  const dim = rule.scope.dim;
  if (dim === null) return [];
  const label = labelOf(dim);
  if (rule.scope.value !== null) return [`${label}=${quote(rule.scope.value)}`];
  const claimed = all.filter(
    (o) => o !== rule && o.metric === rule.metric && o.window === rule.window && o.scope.dim === dim && o.scope.value !== null,
  );
  return [`${label}!=""`, ...claimed.map((o) => `${label}!=${quote(o.scope.value as string)}`)];
}

/** The alert text's scope: '{{ $labels.isp }} ', 'gmail ' or '' for the total. */
function scopeTemplate(rule: Rule): string {
  const dim = rule.scope.dim;
  if (dim === null) return '';
  if (rule.scope.value !== null) return `${dim === 'isp' ? '' : `${dim} `}${rule.scope.value} `;
  return `${dim === 'isp' ? '' : `${dim} `}{{ $labels.${labelOf(dim)} }} `;
}

function holdOf(rule: Rule): { for?: string } {
  return rule.hold !== undefined && rule.hold > 0 ? { for: formatWindow(rule.hold) } : {};
}

function rateAlerts(rec: Recorder, rule: RateRule, all: readonly Rule[]): AlertingRule[] {
  const label = rule.scope.dim === null ? null : labelOf(rule.scope.dim);
  const { ratio, volume } = rateSeries(rec, rule.metric, label, rule.window);
  const sel = selector(judgedMatchers(rule, all));
  const words = METRIC_WORDS[rule.metric];
  const w = formatWindow(rule.window);
  const unit = termsText(rateTerms(rule.metric).volume);
  const out: AlertingRule[] = [];
  for (const [level, threshold, severity] of [
    ['WARN', rule.warn, 'warning'],
    ['CRIT', rule.crit, 'critical'],
  ] as const) {
    if (threshold === null) continue;
    out.push({
      alert: alertName(rule),
      expr: `${ratio}${sel} > ${threshold}\nand\n${volume}${sel} >= ${rule.minVolume}`,
      ...holdOf(rule),
      labels: { severity, level, rule: rule.name },
      annotations: {
        summary: `${scopeTemplate(rule)}${words} {{ $value | humanizePercentage }} over the last ${w} > ${formatPercent(threshold)}`,
        description: `pmta-acct rule ${rule.name} (${scopeText(rule.scope)}): ${words} over ${w} above ${formatPercent(threshold)} is ${level}, judged once ${unit} reach ${rule.minVolume}.`,
      },
    });
  }
  return out;
}

function silenceAlert(rec: Recorder, rule: SilenceRule, all: readonly Rule[]): AlertingRule {
  const label = rule.scope.dim === null ? null : labelOf(rule.scope.dim);
  const s = silenceSeries(rec, label, rule.window);
  const sel = selector(judgedMatchers(rule, all));
  const min = Math.max(1, rule.minVolume);
  const w = formatWindow(rule.window);
  const sending = `${s.sending}${sel} >= ${min}`;
  const expr =
    s.records === null ? `${s.delivered}${sel} == 0\nand\n${sending}` : `${s.delivered} == 0\nand\n(${sending} or ${s.records} == 0)`;
  const unit = termsText(termsOf(sendingOf, 'sending records'));
  return {
    alert: alertName(rule),
    expr,
    ...holdOf(rule),
    labels: { severity: rule.level === 'CRIT' ? 'critical' : 'warning', level: rule.level, rule: rule.name },
    annotations: {
      summary: `${scopeTemplate(rule)}nothing delivered for ${w}${s.records === null ? '' : ' (or no record at all)'}`,
      description: `pmta-acct rule ${rule.name} (${scopeText(rule.scope)}): ${rule.level} when nothing was delivered over ${w} while ${min} or more records (${unit}) arrived${s.records === null ? '' : ', or no record at all arrived'}.`,
    },
  };
}

/** Why a rule has no PromQL equal, or null when it has one. */
function notExpressible(rule: Rule): string | null {
  if (rule.metric === 'msgRate' || rule.metric === 'capacity') {
    return `${rule.name}: needs the max-msg-rate limits of a PowerMTA config, which the metrics do not carry (tail --pmta-config and check --pmta-config judge it)`;
  }
  if (rule.metric === 'silence' && rule.hours !== null)
    return `${rule.name}: sending hours in a time zone have no PromQL equal (tail --rules and check judge it)`;
  if (rule.metric === 'silence' && rule.scope.value !== null) {
    return `${rule.name}: "no record at all" from one ${rule.scope.dim} is the absence of its series (tail --rules and check judge it)`;
  }
  return null;
}

/** The rules of a rule set as Prometheus rule groups. */
export function prometheusRules(set: RuleSet): PrometheusRules {
  const rec = new Recorder();
  const rules = set.rules;
  const skipped: string[] = [];
  for (const rule of rules) {
    const why = notExpressible(rule);
    if (why !== null) skipped.push(why);
    else if (isRateRule(rule)) rec.alert(rule.window, rateAlerts(rec, rule, rules));
    else if (rule.metric === 'silence') rec.alert(rule.window, [silenceAlert(rec, rule, rules)]);
  }
  // Every rate at every rate window, per tail, ISP and sending IP, for the dashboard. A complaint
  // has no sending IP (an f record's dlvSourceIp is the mailbox provider's address).
  const windows = [...new Set(rules.filter(isRateRule).map((r) => r.window))].sort((a, b) => a - b);
  for (const window of windows) {
    for (const rate of RATE_NAMES) {
      for (const dim of DASHBOARD_DIMS) {
        if (rate === 'complaint' && dim === 'ip') continue;
        rateSeries(rec, rate, dim === null ? null : labelOf(dim), window);
      }
    }
  }
  const groups: RuleGroup[] = [...rec.byWindow.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([window, g]) => ({ name: `pmta-acct-${formatWindow(window)}`, rules: [...g.records, ...g.alerts] }));
  groups.push({ name: 'pmta-acct-health', rules: [dataLostAlert()] });
  return { groups, skipped };
}

/** tail's DATA LOST: a file went away unread while it was not running. */
function dataLostAlert(): AlertingRule {
  return {
    alert: 'PmtaAcctDataLost',
    expr: `increase(${GAP_METRIC}[1h]) > 0`,
    labels: { severity: 'warning', rule: 'data-lost' },
    annotations: {
      summary: '{{ $value | humanize1024 }}B of accounting data went unread',
      description:
        'pmta-acct tail found a file that went away before it was read to its end (DATA LOST on its standard error; report --state lists the gaps).',
    },
  };
}

/**
 * The rules file Prometheus loads (`rule_files:`), with a header that says where it came from and
 * which rules have no PromQL equal.
 */
export async function renderPrometheusRules(set: RuleSet): Promise<string> {
  const { groups, skipped } = prometheusRules(set);
  const yaml = loadYaml();
  const source = set.file === null ? 'the built-in rules' : `the rules file ${set.file}`;
  const head = [
    `# Prometheus rules equal to pmta-acct's verdicts (${source}), over the counters of`,
    '# `pmta-acct tail --metrics`. Written by `pmta-acct prometheus-rules`: change the rules, not this file.',
    '# Recording rules: <level>:pmta_acct_<rate>:ratio<window>, with _count and _volume (numerator and',
    '# denominator) beside each; levels are instance (one tail), instance_isp and instance_source_ip.',
    ...(skipped.length === 0 ? [] : ['# Not here (no PromQL equal):', ...skipped.map((s) => `#   ${s}`)]),
  ];
  const body = yaml.stringify({ groups }, { lineWidth: 0, blockQuote: 'literal' });
  return `${head.join('\n')}\n${body}`;
}
