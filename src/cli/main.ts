#!/usr/bin/env node
/**
 * pmta-acct command line. The only module that reads argv and calls process.exit; every command
 * reports its status through `finish`, and every PmtaAcctError becomes a message and EXIT_UNKNOWN.
 */
import { Command, CommanderError } from 'commander';
import { runsOneCommand } from '../engine/tiering.js';
import { mark, markThreads } from '../engine/trace.js';
import { PmtaAcctError } from '../errors.js';
import { EXIT_OK, EXIT_UNKNOWN } from './exit.js';
import { outputError, warn } from './io.js';
import { unwrittenOutput, watchStream } from './std-streams.js';
import { version } from './version.js';

type Finish = (code: number) => void;

/**
 * Each command's module, loaded (in the bundle: initialised) only when it runs: `report` need not
 * load `tail`'s file watcher and SQLite, and `--version` loads none (start-up is a real share of a
 * small file's report). `--help`, `help` or a word that is no command load them all, for the list
 * and the suggestion.
 */
const COMMANDS: Record<string, () => Promise<(finish: Finish) => Command>> = {
  report: async () => (await import('./report-command.js')).reportCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  query: async () => (await import('./query-command.js')).queryCommand,
  tail: async () => (await import('./tail-command.js')).tailCommand,
  ship: async () => (await import('./ship-command.js')).shipCommand,
  clickhouse: async () => (await import('./clickhouse-command.js')).clickhouseCommand,
  load: async () => (await import('./load-command.js')).loadCommand,
  'prometheus-rules': async () => (await import('./monitoring-commands.js')).prometheusRulesCommand,
  'grafana-dashboard': async () => (await import('./monitoring-commands.js')).grafanaDashboardCommand,
};

// A reader that stops early (`| head`) closes our stdout: end quietly, as grep does. Attached when
// the stream is made, which a report writing its output with writeSync never needs (std-streams.ts).
watchStream('stdout', (stdout) =>
  stdout.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw outputError('standard output', err);
  }),
);
watchStream('stderr', () => undefined);

// An exception outside main's promise chain (a stream's or a timer's) would end Node with status
// 1, which monitoring reads as WARNING and the tail unit's SuccessExitStatus=1 as a clean stop: it is
// UNKNOWN (3), said in one line when it is one of ours. The process ends at once, as Node's own
// handling would end it (a tail's state is made for a stop at any instant).
process.on('uncaughtException', (err: unknown) => {
  if (err instanceof PmtaAcctError) warn(err.message);
  else warn(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(EXIT_UNKNOWN);
});

let status = EXIT_OK;
// Set at once as well: a closed stdout ends the process with process.exitCode (above).
const finish = (code: number) => {
  status = code;
  process.exitCode = code;
};

const program = new Command('pmta-acct')
  .description('What is happening to your mail: PowerMTA accounting logs, summarized.')
  .version(version())
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

/** Runs the command line; a function, not top-level await, so that the bundle may be CommonJS. */
async function main(): Promise<void> {
  // This process runs one command and exits: a small run need not optimise its code (engine/tiering.ts).
  runsOneCommand();
  mark('cli: main');
  process.on('exit', () => {
    markThreads();
    mark('cli: exit');
  });
  try {
    const named = process.argv[2];
    const wanted =
      named !== undefined && Object.hasOwn(COMMANDS, named)
        ? [named]
        : named === '--version' || named === '-V'
          ? []
          : Object.keys(COMMANDS);
    for (const name of wanted) program.addCommand((await COMMANDS[name]())(finish));
    // Added commands do not inherit these: without them a usage error would exit 1 (WARNING).
    for (const c of program.commands) c.exitOverride();
    await program.parseAsync(process.argv);
    process.exitCode = status;
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT_OK : EXIT_UNKNOWN;
    } else if (err instanceof PmtaAcctError) {
      warn(err.message);
      process.exitCode = EXIT_UNKNOWN;
    } else {
      warn(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = EXIT_UNKNOWN;
    }
  }
}

/**
 * Commands that have done all their work when their action returns: nothing of theirs is left to
 * the event loop but output (a daemon's `tail` is not one of them; it stops on a signal or at its
 * end, and its watcher, server and spool close in their own time).
 */
const ENDS_WITH_ACTION = new Set(['report', 'check', 'query']);

/**
 * Ends the process now rather than by letting the event loop run dry: an ended Node then still
 * tears the heap down page by page and closes what is left (at 1 M rows, about 40 ms of CPU
 * after the last byte is written; at 10,000 rows about 6 ms: bench/RESULTS.md, ninth pass). Only
 * when stdout and stderr hold nothing unwritten: a write to a pipe whose reader is behind is
 * queued, and process.exit would lose it; the natural end waits for it. The 'exit' listeners
 * run either way.
 */
function endNow(): void {
  const named = process.argv[2];
  if (named === undefined || !ENDS_WITH_ACTION.has(named)) return;
  if (unwrittenOutput()) return;
  process.exit();
}

void main().then(endNow);
