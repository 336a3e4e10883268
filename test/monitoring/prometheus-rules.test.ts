/**
 * The Prometheus rules are the verdict rules. Real records are counted by a real tail into a
 * state and scraped from its real exporter; promtool evaluates the generated rules over those
 * series, and the alerts it fires must be exactly the WARN and CRIT verdicts the tool itself
 * gives over that state: the same thresholds, the same minimum volumes, the same scopes, with
 * every threshold crossed, met exactly (not above) and guarded by the minimum volume. The
 * committed contrib file is the generator's output for the built-in rules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusRules, renderPrometheusRules, alertName, type AlertingRule } from '../../src/monitoring/prometheus-rules.js';
import { rateTerms, termsOf } from '../../src/monitoring/promql.js';
import { judgeStateDir } from '../../src/app/sources/state-verdicts.js';
import { recordsOf, sendingOf } from '../../src/rollup/counters.js';
import { LABEL_OF } from '../../src/monitoring/metric-names.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import { planVerdicts } from '../../src/verdict/plan.js';
import { parseRules } from '../../src/verdict/rules-file.js';
import { isRateRule, type RuleSet, type Verdict } from '../../src/verdict/types.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { countAndScrape, inputSeries, promtool, rowsOf, seriesName, type RowSpec } from '../helpers/promtool.js';
import { scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-prom-');
const CONTRIB = join(ROOT, 'contrib', 'prometheus', 'pmta-acct.rules.yml');

interface Scenario {
  readonly name: string;
  readonly rows: readonly RowSpec[];
}

const A = '198.51.100.1';
const B = '198.51.100.2';

const BUILT_IN_SCENARIOS: readonly Scenario[] = [
  {
    name: 'deferral',
    rows: [
      ['d', 'gmail.com', A, 60],
      ['t', 'gmail.com', A, 2],
      ['d', 'gmail.com', B, 36],
      ['t', 'gmail.com', B, 2], // 4%: WARN
      ['d', 'yahoo.com', A, 94],
      ['t', 'yahoo.com', A, 6], // 6%: CRIT
      ['d', 'outlook.com', A, 97],
      ['t', 'outlook.com', A, 3], // exactly 3%: not above
      ['d', 'comcast.net', A, 89],
      ['t', 'comcast.net', A, 10], // 99 attempts: under the minimum volume
      ['t', 'orange.fr', B, 120], // only deferrals (no delivered series at all): CRIT
      ['d', 'example.org', A, 500],
    ],
  },
  {
    name: 'hard-bounce-warn',
    rows: [
      ['d', 'gmail.com', A, 985],
      ['b', 'gmail.com', A, 15, 'bad-mailbox'],
      ['b', 'yahoo.com', B, 5, 'quota-issues'],
    ],
  },
  {
    name: 'hard-bounce-crit',
    rows: [
      ['d', 'gmail.com', A, 970],
      ['b', 'gmail.com', B, 30, 'bad-domain'],
    ],
  },
  {
    name: 'hard-bounce-at',
    rows: [
      ['d', 'gmail.com', A, 198],
      ['b', 'gmail.com', A, 2, 'bad-mailbox'],
    ],
  },
  {
    name: 'hard-bounce-low',
    rows: [
      ['d', 'gmail.com', A, 90],
      ['b', 'gmail.com', A, 9, 'bad-mailbox'],
    ],
  },
  {
    name: 'complaint',
    rows: [
      // an f record's dlvSourceIp is the mailbox provider's address: no sending IP
      ['d', 'gmail.com', A, 2000],
      ['f', 'gmail.com', '209.85.220.41', 3], // 0.15%: WARN
      ['d', 'yahoo.com', B, 1000],
      ['f', 'yahoo.com', '98.136.0.1', 4], // 0.4%: CRIT
      ['d', 'outlook.com', A, 999],
      ['f', 'outlook.com', '40.92.0.1', 5], // 999 delivered: under the minimum volume
      ['d', 'comcast.net', A, 1000],
      ['f', 'comcast.net', '68.87.0.1', 1], // exactly 0.1%
    ],
  },
  { name: 'silence-deferring', rows: [['t', 'gmail.com', A, 12]] },
  { name: 'silence-quiet', rows: [] },
  { name: 'silence-few', rows: [['t', 'gmail.com', A, 5]] },
];

/** Go's humanizePercentage: %.4g of the value × 100, then %. */
function humanizePercentage(v: number): string {
  return `${Number((v * 100).toPrecision(4))}%`;
}

function fill(template: string, labels: Readonly<Record<string, string>>, value: number): string {
  const out = template
    .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, l: string) => labels[l] ?? '')
    .replace(/\{\{ \$value \| humanizePercentage \}\}/g, humanizePercentage(value));
  if (out.includes('{{')) throw new Error(`a template this test cannot fill: ${template}`);
  return out;
}

/** The alerts Prometheus must fire for the tool's verdicts (a CRIT rate fires its warning too). */
function expectedAlerts(
  set: RuleSet,
  alerts: readonly AlertingRule[],
  instance: string,
  verdicts: readonly Verdict[],
): { alertname: string; labels: Record<string, string>; annotations: Record<string, string> }[] {
  const out = [];
  for (const v of verdicts) {
    if (v.level !== 'WARN' && v.level !== 'CRIT') continue;
    const rule = set.rules.find((r) => r.name === v.rule);
    if (rule === undefined) throw new Error(`no rule ${v.rule}`);
    const severities = isRateRule(rule)
      ? [...(rule.warn !== null ? ['warning'] : []), ...(v.level === 'CRIT' ? ['critical'] : [])]
      : [v.level === 'CRIT' ? 'critical' : 'warning'];
    for (const severity of severities) {
      const a = alerts.find((x) => x.alert === alertName(rule) && x.labels.severity === severity);
      if (a === undefined) throw new Error(`no ${severity} alert for ${rule.name}`);
      const labels: Record<string, string> = { ...a.labels, instance, job: 'pmta-acct' };
      for (const [dim, value] of Object.entries(v.scope)) labels[LABEL_OF[dim]] = value;
      const annotations = Object.fromEntries(Object.entries(a.annotations).map(([k, t]) => [k, fill(t, labels, v.value)]));
      out.push({ alertname: a.alert, labels, annotations });
    }
  }
  return out;
}

/**
 * Count each scenario with tail, judge it with the tool, and have promtool evaluate the rules
 * over the scraped series: promtool fails unless its alerts are exactly the expected ones.
 */
async function holdEqual(set: RuleSet, scenarios: readonly Scenario[]): Promise<Map<string, readonly Verdict[]>> {
  const dir = scratch();
  const now = Math.floor(Date.now() / 1000);
  const doc = prometheusRules(set);
  const alerts = doc.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
  const series: { series: string; values: string }[] = [];
  const expected = new Map<string, ReturnType<typeof expectedAlerts>>(alerts.map((a) => [a.alert, []]));
  const verdicts = new Map<string, readonly Verdict[]>();
  for (const [i, s] of scenarios.entries()) {
    const at = join(dir, String(i));
    const { state, first, second } = await countAndScrape(at, rowsOf(s.rows, now - 600));
    const judged = judgeStateDir(state, planVerdicts(set, null, null), now).verdicts;
    verdicts.set(s.name, judged);
    for (const e of expectedAlerts(set, alerts, s.name, judged)) expected.get(e.alertname)?.push(e);
    series.push(...inputSeries(first, second, s.name));
  }
  writeFileSync(join(dir, 'rules.yml'), await renderPrometheusRules(set));
  const test = {
    rule_files: ['rules.yml'],
    evaluation_interval: '5m',
    tests: [
      {
        interval: '5m',
        input_series: series,
        alert_rule_test: [...expected.entries()].map(([alertname, exp]) => ({
          eval_time: '24h',
          alertname,
          exp_alerts: exp.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })),
        })),
      },
    ],
  };
  writeFileSync(join(dir, 'test.yml'), JSON.stringify(test, null, 1));
  const r = promtool(['test', 'rules', 'test.yml'], dir);
  expect(r.code, r.out).toBe(0);
  return verdicts;
}

const levels = (vs: Map<string, readonly Verdict[]>, scenario: string) =>
  (vs.get(scenario) ?? []).map((v) => `${v.rule} ${Object.values(v.scope).join(',')} ${v.level}`.replace('  ', ' '));

describe('Prometheus rules from the verdict rules', () => {
  it("the committed contrib file is the generator's output for the built-in rules, and promtool accepts it", async () => {
    expect(readFileSync(CONTRIB, 'utf8'), 'run npm run contrib').toBe(await renderPrometheusRules(BUILT_IN));
    const cli = runCli(['prometheus-rules'], { env: { PMTA_ACCT_RULES: '' } });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(readFileSync(CONTRIB, 'utf8'));
    const r = promtool(['check', 'rules', CONTRIB], ROOT);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("the README's prometheus.yml, with the rules file in place, is a configuration promtool accepts", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- prometheus\.yml -->\n```yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const dir = scratch();
    const config = (block as RegExpExecArray)[1].replace('/etc/prometheus/pmta-acct.rules.yml', CONTRIB);
    expect(config).toContain(CONTRIB);
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const r = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('reads the rates off the one definition (rateParts), which is a sum of counters', () => {
    expect(rateTerms('deferral')).toEqual({
      count: [{ counter: 'deferred', coef: 1 }],
      volume: [
        { counter: 'delivered', coef: 1 },
        { counter: 'deferred', coef: 1 },
        { counter: 'bounced', coef: 1 },
      ],
    });
    expect(rateTerms('complaint').volume).toEqual([{ counter: 'delivered', coef: 1 }]);
    expect(termsOf(sendingOf, 'sending').map((t) => t.counter)).toEqual(['delivered', 'deferred', 'queueDeferred', 'bounced']);
    expect(termsOf(recordsOf, 'records')).toHaveLength(8);
    expect(() => termsOf((c) => c.delivered * c.bounced, 'a product')).toThrow(/not a sum of counters/);
    expect(() => termsOf((c) => c.delivered + 1, 'an offset')).toThrow(/not a sum of counters/);
  });

  it('fires exactly what the built-in rules say over the same records: each threshold crossed, met, and under the minimum volume', async () => {
    const vs = await holdEqual(BUILT_IN, BUILT_IN_SCENARIOS);
    // The scenarios do cross every threshold (else the test above would prove little)...
    expect(levels(vs, 'deferral')).toEqual(
      expect.arrayContaining(['deferral orange CRIT', 'deferral yahoo CRIT', 'deferral gmail WARN', 'deferral microsoft OK']),
    );
    expect(levels(vs, 'deferral').some((l) => l.includes('comcast'))).toBe(false);
    expect(levels(vs, 'hard-bounce-warn')).toContain('hard-bounce WARN');
    expect(levels(vs, 'hard-bounce-crit')).toContain('hard-bounce CRIT');
    expect(levels(vs, 'hard-bounce-at')).toContain('hard-bounce OK');
    expect(levels(vs, 'hard-bounce-low').some((l) => l.startsWith('hard-bounce'))).toBe(false);
    expect(levels(vs, 'complaint')).toEqual(
      expect.arrayContaining(['complaint yahoo CRIT', 'complaint gmail WARN', 'complaint comcast OK']),
    );
    expect(levels(vs, 'complaint').some((l) => l.includes('microsoft'))).toBe(false);
    expect(levels(vs, 'silence-deferring')).toContain('silence CRIT');
    expect(levels(vs, 'silence-quiet')).toContain('silence CRIT');
    expect(levels(vs, 'silence-few').some((l) => l.startsWith('silence'))).toBe(false);
  }, 60_000);

  it('a rules file: its thresholds, a rule for one ISP that the ISP-wide rule leaves alone, IP and per-ISP silence scopes', async () => {
    const set = await parseRules(
      [
        'rules:',
        '  - name: deferral',
        '    warn: 4%',
        '  - metric: deferral',
        '    scope: isp=gmail',
        '    warn: 10%',
        '    crit: 20%',
        '    minVolume: 20',
        '  - metric: bounce',
        '    scope: ip',
        '    window: 24h',
        '    crit: 5%',
        '    minVolume: 50',
        '  - name: silence',
        '    scope: isp',
        '    minVolume: 5',
        '    level: WARN',
      ].join('\n'),
      'custom.yml',
    );
    const vs = await holdEqual(set, [
      {
        name: 'custom',
        rows: [
          ['d', 'gmail.com', A, 80],
          ['t', 'gmail.com', A, 15], // 15.8% of 95: gmail's own rule WARN, not the ISP-wide CRIT
          ['d', 'yahoo.com', A, 95],
          ['t', 'yahoo.com', A, 5], // 5%: WARN at 4%
          ['d', 'outlook.com', B, 60],
          ['b', 'outlook.com', B, 4, 'quota-issues'], // IP B: 4 bounced of 64, 6.25%: CRIT (the rule has no warn)
          ['t', 'orange.fr', A, 6], // orange: nothing delivered, 6 attempts: silence WARN
        ],
      },
    ]);
    expect(levels(vs, 'custom')).toEqual(
      expect.arrayContaining(['gmail-deferral gmail WARN', 'deferral yahoo WARN', `ip-bounce ${B} CRIT`, 'silence orange WARN']),
    );
    expect(levels(vs, 'custom').some((l) => l.startsWith('deferral gmail'))).toBe(false);
  }, 60_000);

  it("a rule's `for` becomes the alert's: pending while the level has not held that long", async () => {
    const dir = scratch();
    const set = await parseRules('rules:\n  - name: deferral\n    for: 10m\n', 'for.yml');
    writeFileSync(join(dir, 'rules.yml'), await renderPrometheusRules(set));
    expect(
      prometheusRules(set)
        .groups.flatMap((g) => g.rules)
        .filter((r) => 'alert' in r && r.alert === 'PmtaAcctDeferral')
        .map((r) => (r as AlertingRule).for),
    ).toEqual(['10m', '10m']);
    const labels = { isp: 'gmail', source_ip: A, vmta: 'v', pool: 'p', instance: 'i', job: 'pmta-acct' };
    // 90 delivered and 10 deferred at minute 40: 10% from then on
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: seriesName('pmta_acct_delivered_total', labels), values: '0x40 90x30' },
            { series: seriesName('pmta_acct_deferred_total', labels), values: '0x40 10x30' },
          ],
          alert_rule_test: [
            { eval_time: '45m', alertname: 'PmtaAcctDeferral', exp_alerts: [] },
            {
              eval_time: '51m',
              alertname: 'PmtaAcctDeferral',
              exp_alerts: [
                ['warning', 'WARN', '3%'],
                ['critical', 'CRIT', '5%'],
              ].map(([severity, level, at]) => ({
                exp_labels: { isp: 'gmail', instance: 'i', job: 'pmta-acct', severity, level, rule: 'deferral' },
                exp_annotations: {
                  summary: `gmail deferral 10% over the last 1h > ${at}`,
                  description: `pmta-acct rule deferral (isp): deferral over 1h above ${at} is ${level}, judged once delivered + deferred + bounced reach 100.`,
                },
              })),
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'test.yml'), JSON.stringify(test));
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.code, r.out).toBe(0);
  });
});
