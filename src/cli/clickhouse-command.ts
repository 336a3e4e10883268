/**
 * `pmta-acct clickhouse ...`: the fleet store's administration. `ping` connects, reads the server
 * version and says whether it is a tested one (exit 0), or says in one line why it cannot (exit 3);
 * `init` creates the database and tables (app/ship/init-store.ts).
 */
import { Command } from 'commander';
import { PmtaAcctError } from '../errors.js';
import { versionNote } from '../clickhouse/version.js';
import { initStore } from '../app/ship/init-store.js';
import { checkIdentifier } from '../clickhouse/sql.js';
import { EXIT_OK } from './exit.js';
import { writeOutput } from './io.js';
import { addClickHouseOptions, openClickHouseOf, type ClickHouseFlags } from './clickhouse-options.js';

async function required(flags: ClickHouseFlags, withoutDatabase = false) {
  const ch = await openClickHouseOf(flags, { withoutDatabase });
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
  cmd.addCommand(
    addClickHouseOptions(new Command('init').description('create the database and the fleet tables (idempotent); with --cluster, run it once on every server of the cluster'))
      .option('--cluster <name>', "a cluster of the servers' remote_servers: local tables plus Distributed tables over it, sharded by host")
      .action(async (flags: ClickHouseFlags & { cluster?: string }) => {
        const cluster = flags.cluster === undefined ? null : checkIdentifier(flags.cluster, '--cluster');
        const ch = await required(flags, true);
        try {
          const r = await initStore(ch, cluster);
          const what = r.applied.length === 0 ? `schema ${r.schema} already there` : `schema ${r.schema} (migrations ${r.applied.join(', ')} applied)`;
          writeOutput(`${versionNote(ch.version)} at ${ch.target.display}: ${what}${r.distributed ? `, Distributed tables over cluster ${cluster ?? ''}` : ''}\n`, undefined);
        } finally {
          await ch.close();
        }
        onExit(EXIT_OK);
      }),
  );
  return cmd;
}
