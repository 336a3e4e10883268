#!/usr/bin/env node
/**
 * pmta-acct command line. The only module that reads argv and calls process.exit; every command
 * reports its status through `finish`, and every PmtaAcctError becomes a message and EXIT_UNKNOWN.
 */
import { Command, CommanderError } from 'commander';
import { PmtaAcctError } from '../errors.js';
import { EXIT_OK, EXIT_UNKNOWN } from './exit.js';
import { warn } from './io.js';
import { checkCommand } from './check-command.js';
import { queryCommand } from './query-command.js';
import { reportCommand } from './report-command.js';
import { tailCommand } from './tail-command.js';
import { version } from './version.js';

// A reader that stops early (`| head`) closes our stdout: end quietly, as grep does.
process.stdout.on('error', (err: Error & { code?: string }) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

let status = EXIT_OK;
const finish = (code: number) => {
  status = code;
};

const program = new Command('pmta-acct')
  .description('What is happening to your mail: PowerMTA accounting logs, summarized.')
  .version(version())
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program.addCommand(reportCommand(finish));
program.addCommand(checkCommand(finish));
program.addCommand(queryCommand(finish));
program.addCommand(tailCommand(finish));
// Added commands do not inherit these: without them a usage error would exit 1 (WARNING).
for (const c of program.commands) c.exitOverride();

try {
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
