/**
 * `pmta-acct check`: the verdicts as a Nagios/Icinga plugin. Status line, long output and
 * performance data on stdout; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Every failure (bad
 * arguments, unreadable input, a bad rules or PowerMTA config file) is answered on stdout in the
 * plugin format too, since monitoring systems show stdout and often drop stderr.
 *
 * The verdicts come from a rollup source (src/app/sources/): the files through the engine, or with
 * `--state DIR` the buckets tail stored (the windows' buckets only, judged with windows ending now).
 */
import { Command, Option } from 'commander';
import { check } from '../app/report/check.js';
import { FilesSource } from '../app/sources/files.js';
import type { RollupSource } from '../app/sources/rollup-source.js';
import { StateSource } from '../app/sources/state.js';
import { PmtaAcctError, messageOf } from '../errors.js';
import { checkTimeZone } from '../rollup/buckets.js';
import { renderCheckJson, renderCheckText, renderCheckUnknown } from '../render/check.js';
import { clockOf } from '../util/clock.js';
import { EXIT_UNKNOWN, exitOfStatus } from './exit.js';
import { writeOutput } from './io.js';
import { addReadingOptions, readingOf, type ReadingFlags } from './reading-options.js';
import { verdictPlanOf, type VerdictFlags } from './verdict-args.js';
import { addFleetOptions, fleetSourceOf, type FleetFlags } from './fleet-options.js';

interface CheckFlags extends VerdictFlags, ReadingFlags, FleetFlags {
  tz: string;
  format: 'text' | 'json';
  verbose?: boolean;
  state?: string;
}

async function runCheck(inputs: string[], flags: CheckFlags): Promise<{ text: string; code: number }> {
  if (inputs.length > 0 && flags.state !== undefined)
    throw new PmtaAcctError('USAGE', 'check --state judges the stored buckets: name no input files');
  const tz = checkTimeZone(flags.tz);
  const now = Math.floor(clockOf().now() / 1000);
  const fleet = await fleetSourceOf(flags, 'isp', inputs.length > 0 || flags.state !== undefined, now);
  if (inputs.length === 0 && flags.state === undefined && fleet === null)
    throw new PmtaAcctError(
      'USAGE',
      'check: name at least one file or directory (or - for standard input), --state DIR or --clickhouse URL',
    );
  const reading = await readingOf(flags);
  const plan = await verdictPlanOf(flags, reading.config, tz);
  // From a tail state the windows end now (or at --at): the state is live. Only the buckets the
  // windows need are read, and the input line comes from per-bucket counts.
  // From the fleet store: fleet-wide and per-host verdicts, and each host's dead-man verdict.
  const source: RollupSource = fleet ?? (flags.state === undefined ? new FilesSource(inputs, reading) : new StateSource(flags.state, now));
  const { model, summary, notes } = await check(
    source,
    { by: [], alsoBy: [], bucket: null, since: null, until: null, tz, top: null },
    plan,
  ).finally(() => fleet?.close());
  const code = exitOfStatus(summary.status);
  const text =
    flags.format === 'json'
      ? renderCheckJson(model, summary, code, notes)
      : renderCheckText(model, summary, { verbose: flags.verbose, notes });
  return { text, code };
}

export function checkCommand(onExit: (code: number) => void): Command {
  return (
    addFleetOptions(
      addReadingOptions(
        new Command('check')
          .description('judge the verdict rules: a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
          .argument(
            '[inputs...]',
            "files, directories of rotated files (.csv, .csv.gz), quoted glob patterns ('acct-2026-11-*.csv*'), or - for stdin",
          )
          .option('--rules <file>', 'rules file (YAML or JSON); default $PMTA_ACCT_RULES, else the built-in rules')
          .option('--pmta-config <file>', 'PowerMTA config to read max-msg-rate limits, virtual MTAs and pools from')
          .option('--at <time>', 'windows end at this time (default: just after the latest event in the input; now with --state)')
          .option('--tz <zone>', 'time zone for --at and for times shown', 'UTC')
          .addOption(new Option('--format <format>', 'plugin text or JSON').choices(['text', 'json']).default('text'))
          .option('-v, --verbose', 'list the OK verdicts too')
          .option('--state <dir>', 'judge the buckets pmta-acct tail stored in this state directory (windows end now) instead of files'),
        'a bad record is fatal (UNKNOWN)',
      ),
    )
      // Usage errors in the plugin format on stdout too (exit 3 comes from main.ts).
      .configureOutput({ outputError: (text) => writeOutput(renderCheckUnknown(text.replace(/^error: /, '').trim(), false), undefined) })
      .action(async (inputs: string[], flags: CheckFlags) => {
        try {
          const { text, code } = await runCheck(inputs, flags);
          onExit(code);
          writeOutput(text, undefined);
        } catch (err) {
          if (!(err instanceof PmtaAcctError)) throw err;
          writeOutput(renderCheckUnknown(messageOf(err), flags.format === 'json'), undefined);
          onExit(EXIT_UNKNOWN);
        }
      })
  );
}
