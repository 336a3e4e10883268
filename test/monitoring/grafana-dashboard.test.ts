/**
 * The Grafana dashboard: the committed file is the generator's output, it imports as it is
 * (datasource and filter variables, a grid that fits), every query is PromQL that promtool accepts
 * and that shows data over what a real tail exports, every metric it names is one the tool
 * exports (read from the exporter, not from a list), and the thresholds drawn are the rules'.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grafanaDashboard, renderGrafanaDashboard } from '../../src/monitoring/grafana-dashboard.js';
import { prometheusRules } from '../../src/monitoring/prometheus-rules.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { countAndScrape, inputSeries, promtool, rowsOf } from '../helpers/promtool.js';
import { scratchDirs } from '../helpers/session.js';

const scratch = scratchDirs('pmta-grafana-');
const CONTRIB = join(ROOT, 'contrib', 'grafana', 'pmta-acct.json');

interface Target {
  refId: string;
  expr: string;
  datasource: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  fieldConfig?: { defaults: { unit: string; thresholds: { steps: { color: string; value: number | null }[] } } };
}
interface Dashboard {
  uid: string;
  templating: { list: { name: string; type: string; query: string; datasource?: { uid: string } }[] };
  panels: Panel[];
}

const dashboard = grafanaDashboard(BUILT_IN) as unknown as Dashboard;
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));

/** Grafana's variables as a query would run with everything selected. */
function concrete(expr: string): string {
  return expr
    .replace(/\$__rate_interval/g, '10m')
    .replace(/\$__interval/g, '1h')
    .replace(/\$(instance|isp|ip|vmta|pool)\b/g, '.*');
}

/** Metric names an expression reads (identifiers that are not functions, keywords, labels or strings). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !keywords.has(m[1].toLowerCase()))
    .map((m) => m[1]);
}

describe('the Grafana dashboard', () => {
  it('is the committed file, and what grafana-dashboard prints', () => {
    expect(readFileSync(CONTRIB, 'utf8'), 'run npm run contrib').toBe(renderGrafanaDashboard(BUILT_IN));
    const cli = runCli(['grafana-dashboard'], { env: { PMTA_ACCT_RULES: '' } });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(readFileSync(CONTRIB, 'utf8'));
  });

  it('imports as it is: a datasource variable every query uses, the filter variables, a grid that fits', () => {
    const vars = dashboard.templating.list;
    expect(vars.map((v) => v.name)).toEqual(['datasource', 'instance', 'isp', 'ip', 'vmta', 'pool']);
    expect(vars[0]).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const v of vars.slice(1)) expect(v.datasource?.uid).toBe('${datasource}');
    const ids = new Set<number>();
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(ids.has(p.id), `panel id ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe('${datasource}');
    }
    // each variable filters some query
    for (const v of ['instance', 'isp', 'ip', 'vmta', 'pool'])
      expect(
        queries.some((q) => q.target.expr.includes(`"$${v}"`)),
        v,
      ).toBe(true);
  });

  it("draws the rules' thresholds and says them", () => {
    const panel = (title: string) => dashboard.panels.find((p) => p.title === title) as Panel;
    const steps = (p: Panel) => p.fieldConfig?.defaults.thresholds.steps.map((s) => s.value);
    expect(steps(panel('Deferral per ISP (1h)'))).toEqual([null, 0.03, 0.05]);
    expect(panel('Deferral per ISP (1h)').description).toContain('WARN above 3%, CRIT above 5%');
    expect(steps(panel('Complaint per ISP (24h)'))).toEqual([null, 0.001, 0.003]);
    expect(steps(panel('Hard bounce per ISP (24h)'))).toEqual([null, 0.01, 0.02]);
    // per-IP rows are drawn against the ISP rule's thresholds when no rule names IPs (as the tables)
    expect(steps(panel('Deferral per sending IP (1h)'))).toEqual([null, 0.03, 0.05]);
    expect(steps(panel('Bounce per ISP (24h)'))).toEqual([null]);
  });

  it('every query is PromQL promtool accepts, shows data over what a real tail exports, and names only metrics the tool exports', async () => {
    const dir = scratch();
    const now = Math.floor(Date.now() / 1000);
    const rows = rowsOf(
      [
        ['d', 'gmail.com', '198.51.100.1', 200],
        ['t', 'gmail.com', '198.51.100.1', 9],
        ['b', 'yahoo.com', '198.51.100.2', 3, 'bad-mailbox'],
        ['d', 'yahoo.com', '198.51.100.2', 50],
        ['f', 'gmail.com', '209.85.220.41', 1],
        ['tq', 'gmail.com', '198.51.100.1', 2],
      ],
      now - 600,
    );
    const { first, second } = await countAndScrape(join(dir, 'tail'), [...rows, 'd,not,enough,cells']);
    // What the tool exports, read from its exporter: every family it wrote (histograms with their series).
    const exported = new Set(second.map((s) => s.name));
    expect(exported).toContain('pmta_acct_bad_records_total');
    const recorded = new Set(
      prometheusRules(BUILT_IN)
        .groups.flatMap((g) => g.rules)
        .flatMap((r) => ('record' in r ? [r.record] : [])),
    );
    const rules: { record: string; expr: string }[] = [];
    const alerts: { alert: string; expr: string }[] = [];
    for (const { panel, target } of queries) {
      for (const name of metricNames(target.expr)) {
        expect(exported.has(name) || recorded.has(name) || name === 'ALERTS', `${panel.title}: ${name} is not exported`).toBe(true);
      }
      const record = `dashboard:panel_${panel.id}_${target.refId}`;
      rules.push({ record, expr: concrete(target.expr) });
      // an empty panel would fire this (the alerts table is empty when nothing fires)
      if (!target.expr.startsWith('ALERTS')) alerts.push({ alert: `Empty_${panel.id}_${target.refId}`, expr: `absent(${record})` });
    }
    for (const v of dashboard.templating.list.slice(1)) {
      const m = /^label_values\((.*), ([a-z_]+)\)$/.exec(v.query);
      expect(m, v.query).not.toBeNull();
      const [, selector, label] = m as RegExpExecArray;
      rules.push({ record: `dashboard:variable_${v.name}`, expr: `count by (${label}) (${concrete(selector)})` });
      alerts.push({ alert: `Empty_${v.name}`, expr: `absent(dashboard:variable_${v.name})` });
    }
    writeFileSync(join(dir, 'panels.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules: [...rules, ...alerts] }] }));
    const check = promtool(['check', 'rules', 'panels.yml'], dir);
    expect(check.code, check.out).toBe(0);
    const test = {
      rule_files: ['panels.yml'],
      evaluation_interval: '5m',
      tests: [
        {
          interval: '5m',
          input_series: inputSeries(first, second, 'mta-1'),
          alert_rule_test: alerts.map((a) => ({ eval_time: '24h', alertname: a.alert, exp_alerts: [] })),
        },
      ],
    };
    writeFileSync(join(dir, 'test.yml'), JSON.stringify(test));
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.code, r.out).toBe(0);
  }, 60_000);
});
