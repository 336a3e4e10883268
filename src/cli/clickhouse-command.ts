/**
 * `pmta-acct clickhouse ...`: the fleet store's administration. `ping` connects, reads the server
 * version and says whether it is a tested one (exit 0), or says in one line why it cannot (exit 3);
 * `init` creates the database and tables (app/ship/init-store.ts); `prune` drops the partitions
 * older than the retention (app/ship/prune-store.ts).
 */
import { Command } from 'commander';
import { PmtaAcctError } from '../errors.js';
import { versionNote } from '../clickhouse/version.js';
import { initStore } from '../app/ship/init-store.js';
import { pruneStore } from '../app/ship/prune-store.js';
import { isoTime } from '../render/format.js';
import { clockOf } from '../util/clock.js';
import { parseRetain, parseSeconds } from './args.js';
import { DEFAULT_RETAIN } from '../state/tiers.js';
import { checkIdentifier } from '../clickhouse/sql.js';
import { EXIT_OK } from './exit.js';
import { writeOutput } from './io.js';
import { addClickHouseOptions, openClickHouseOf, type ClickHouseFlags } from './clickhouse-options.js';
import type { OpenOptions } from '../clickhouse/connection.js';

/** `records=DURATION` out of --keep (the records' retention), the rest for the buckets. */
function splitRecordsKeep(text: string): { buckets: string; records: number | null } {
  let records: number | null = null;
  const rest: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^records\s*=\s*(.*)$/.exec(part);
    if (m === null) {
      rest.push(part);
      continue;
    }
    if (records !== null) throw new PmtaAcctError('USAGE', '--keep: records given twice');
    records = parseSeconds(m[1], '--keep records');
  }
  if (records === null && rest.every((p) => p === ''))
    throw new PmtaAcctError('USAGE', `--keep: '${text}' says nothing (e.g. 35d, or 5m=48h,1h=35d,1d=400d,records=90d)`);
  return { buckets: rest.filter((p) => p !== '').join(','), records };
}

async function required(flags: ClickHouseFlags, options: OpenOptions = {}) {
  const ch = await openClickHouseOf(flags, options);
  if (ch === null) throw new PmtaAcctError('USAGE', 'name the ClickHouse server: --clickhouse URL or $PMTA_ACCT_CLICKHOUSE');
  return ch;
}

export function clickhouseCommand(onExit: (code: number) => void): Command {
  const cmd = new Command('clickhouse').description('the fleet store in ClickHouse: check the connection, create the tables');
  cmd.addCommand(
    addClickHouseOptions(
      new Command('ping').description('connect, read the server version and say whether pmta-acct was tested with it'),
    ).action(async (flags: ClickHouseFlags) => {
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
    addClickHouseOptions(
      new Command('init').description(
        'create the database and the fleet tables (idempotent); with --cluster, run it once on every server of the cluster',
      ),
    )
      .option('--cluster <name>', "a cluster of the servers' remote_servers: local tables plus Distributed tables over it, sharded by host")
      .action(async (flags: ClickHouseFlags & { cluster?: string }) => {
        const cluster = flags.cluster === undefined ? null : checkIdentifier(flags.cluster, '--cluster');
        // init creates the database; migration 4 merges every part of records (an hour is a hang guard)
        const ch = await required(flags, { withoutDatabase: true, requestTimeoutMs: 3_600_000 });
        try {
          const r = await initStore(ch, cluster);
          const what =
            r.applied.length === 0 ? `schema ${r.schema} already there` : `schema ${r.schema} (migrations ${r.applied.join(', ')} applied)`;
          writeOutput(
            `${versionNote(ch.version)} at ${ch.target.display}: ${what}${r.distributed ? `, Distributed tables over cluster ${cluster ?? ''}` : ''}\n`,
            undefined,
          );
        } finally {
          await ch.close();
        }
        onExit(EXIT_OK);
      }),
  );
  cmd.addCommand(
    addClickHouseOptions(
      new Command('prune').description(
        "drop the store's partitions (grain, week; records by day with records=...) older than the retention; with a cluster, run it once on every server",
      ),
    )
      .requiredOption(
        '--keep <retention>',
        'how long the store keeps buckets: 35d, or per grain as tail --retain (5m=7d,1h=35d,1d=400d); records=90d drops days of loaded records too',
      )
      .option('--dry-run', 'list the partitions that would be dropped, drop nothing')
      .action(async (flags: ClickHouseFlags & { keep: string; dryRun?: boolean }) => {
        const { buckets, records } = splitRecordsKeep(flags.keep);
        const spec = buckets === '' ? DEFAULT_RETAIN : parseRetain(buckets, '--keep');
        const ch = await required(flags);
        try {
          const dry = flags.dryRun === true;
          const dropped = await pruneStore(ch, spec, Math.floor(clockOf().now() / 1000), dry, records);
          const lines = dropped.map(
            (d) =>
              `${dry ? 'would drop' : 'dropped'} ${d.table} ${d.grain === 'records' ? 'day' : `${d.grain} week of`} ${isoTime(d.week, 'UTC').slice(0, 10)} (${d.rows} rows)`,
          );
          lines.push(`${ch.target.display}: ${dropped.length} partition${dropped.length === 1 ? '' : 's'} ${dry ? 'to drop' : 'dropped'}`);
          writeOutput(`${lines.join('\n')}\n`, undefined);
        } finally {
          await ch.close();
        }
        onExit(EXIT_OK);
      }),
  );
  return cmd;
}
