/**
 * `pmta-acct prometheus-rules` and `pmta-acct grafana-dashboard`: the verdict rules in effect (the
 * built-in rules, or --rules / $PMTA_ACCT_RULES) as Prometheus rules and as a Grafana dashboard,
 * for an operator whose rules differ from the built-in ones (contrib/ has both for those).
 */
import { Command } from 'commander';
import { renderGrafanaDashboard } from '../monitoring/grafana-dashboard.js';
import { renderPrometheusRules } from '../monitoring/prometheus-rules.js';
import { loadRules } from '../verdict/rules-file.js';
import type { RuleSet } from '../verdict/types.js';
import { EXIT_OK } from './exit.js';
import { writeOutput } from './io.js';

interface Flags {
  rules?: string;
  output?: string;
}

function printer(
  name: string,
  description: string,
  render: (set: RuleSet) => Promise<string> | string,
  onExit: (code: number) => void,
): Command {
  return new Command(name)
    .description(description)
    .option('--rules <file>', 'verdict rules (YAML or JSON); default $PMTA_ACCT_RULES, else the built-in rules')
    .option('-o, --output <file>', 'write to this file (written whole, then renamed into place) instead of standard output')
    .action(async (flags: Flags) => {
      const set = await loadRules(flags.rules ?? process.env.PMTA_ACCT_RULES);
      writeOutput(await render(set), flags.output);
      onExit(EXIT_OK);
    });
}

export function prometheusRulesCommand(onExit: (code: number) => void): Command {
  return printer(
    'prometheus-rules',
    "print Prometheus recording and alerting rules equal to the verdict rules, over tail's --metrics",
    renderPrometheusRules,
    onExit,
  );
}

export function grafanaDashboardCommand(onExit: (code: number) => void): Command {
  return printer(
    'grafana-dashboard',
    "print a Grafana dashboard (JSON to import) of tail's --metrics, with the rules' thresholds",
    renderGrafanaDashboard,
    onExit,
  );
}
