/**
 * Start-up: what a command costs before and around the reading, where a user feels it on small
 * inputs (an hour of a small server, `--version`, a plugin run). Node alone is shown for scale: no
 * command can start faster than the runtime does. Run without the RSS hook, as a user runs them.
 */
import { target, type BenchContext, type Measured, type Scenario, type Suite, type TargetResult } from '../suite.js';

const SMALL_ROWS = 10_000;
const RUNS = 5;

function ms(seconds: number): string {
  return `${Math.round(seconds * 1000)} ms`;
}

export const startupSuite: Suite = {
  name: 'startup',
  scenarios({ data, cli, removedVariables }: BenchContext): Scenario[] {
    const quick = { rows: 0, bytes: 0, runsPerRound: RUNS, rss: false };
    // What the variables left out of every scenario's environment cost this host's Node, for scale.
    const host: Scenario[] =
      removedVariables.length === 0
        ? []
        : [
            {
              id: 'node-host',
              name: `node -e 0 with this host's ${removedVariables.join(' and ')}`,
              script: null,
              args: ['-e', '0'],
              ...quick,
              hostEnvironment: true,
            },
          ];
    return [
      { id: 'node', name: 'node -e 0 (the runtime alone)', script: null, args: ['-e', '0'], ...quick },
      ...host,
      { id: 'version', name: 'pmta-acct --version', script: cli, args: ['--version'], ...quick },
      // As a user types it: the default report (verdicts on; JSON, stdout being a pipe).
      {
        id: 'report-small',
        name: `pmta-acct report, ${SMALL_ROWS.toLocaleString('en-US')} rows`,
        script: cli,
        args: ['report', '--exit-zero', data.small],
        ...quick,
      },
    ];
  },

  targets(get: (id: string) => Measured): TargetResult[] {
    const node = get('node');
    const version = get('version');
    const small = get('report-small');
    return [
      target('pmta-acct --version', `${ms(version.seconds)}, Node alone ${ms(node.seconds)} (target <= 100 ms)`, version.seconds <= 0.1),
      target(`report over ${SMALL_ROWS.toLocaleString('en-US')} rows`, `${ms(small.seconds)} (target <= 200 ms)`, small.seconds <= 0.2),
    ];
  },
};
