/**
 * `pmta-acct clickhouse ...`: the fleet store's administration. `ping` connects, reads the server
 * version and says whether it is a tested one (exit 0), or says in one line why it cannot (exit 3).
 */
import { Command } from 'commander';
import { PmtaAcctError } from '../errors.js';
import { versionNote } from '../clickhouse/version.js';
import { EXIT_OK } from './exit.js';
import { writeOutput } from './io.js';
import { addClickHouseOptions, openClickHouseOf, type ClickHouseFlags } from './clickhouse-options.js';

async function required(flags: ClickHouseFlags) {
  const ch = await openClickHouseOf(flags);
  if (ch === null) throw new PmtaAcctError('USAGE', 'name the ClickHouse server: --clickhouse URL or $PMTA_ACCT_CLICKHOUSE');
  return ch;
}

export function clickhouseCommand(onExit: (code: number) => void): Command {
  const cmd = new Command('clickhouse').description('the fleet store in ClickHouse: check the connection, create the tables');
  cmd.addCommand(
    addClickHouseOptions(new Command('ping').description('connect, read the server version and say whether pmta-acct was tested with it')).action(async (flags: ClickHouseFlags) => {
      const ch = await required(flags);
      try {
        writeOutput(`${versionNote(ch.version)} at ${ch.target.display} as ${ch.target.username}\n`, undefined);
      } finally {
        await ch.close();
      }
      onExit(EXIT_OK);
    }),
  );
  return cmd;
}
