/**
 * The options every command that talks to ClickHouse shares: `--clickhouse URL` (default
 * $PMTA_ACCT_CLICKHOUSE) and `--clickhouse-password-file FILE` (default
 * $PMTA_ACCT_CLICKHOUSE_PASSWORD_FILE; $PMTA_ACCT_CLICKHOUSE_PASSWORD wins over both). There is no
 * password option: a password on the command line shows in the process list.
 */
import type { Command } from 'commander';
import { ClickHouse, type OpenOptions } from '../clickhouse/connection.js';
import { resolveTarget, type ClickHouseTarget } from '../clickhouse/target.js';

export interface ClickHouseFlags {
  clickhouse?: string;
  clickhousePasswordFile?: string;
}

export function addClickHouseOptions(cmd: Command, what = 'the fleet store'): Command {
  return cmd
    .option(
      '--clickhouse <url>',
      `${what}: ClickHouse's HTTP interface, http[s]://[user@]host:port/DATABASE (default $PMTA_ACCT_CLICKHOUSE; password from $PMTA_ACCT_CLICKHOUSE_PASSWORD or --clickhouse-password-file)`,
    )
    .option(
      '--clickhouse-password-file <file>',
      'read the ClickHouse password from the first line of this file (default $PMTA_ACCT_CLICKHOUSE_PASSWORD_FILE)',
    );
}

/** The target the flags (or the environment) name, or null. */
export function clickHouseTargetOf(flags: ClickHouseFlags): ClickHouseTarget | null {
  return resolveTarget(flags.clickhouse, { passwordFile: flags.clickhousePasswordFile });
}

/** Opens the named server (version checked); null when no URL is given. */
export async function openClickHouseOf(flags: ClickHouseFlags, options?: OpenOptions): Promise<ClickHouse | null> {
  const target = clickHouseTargetOf(flags);
  return target === null ? null : ClickHouse.open(target, options);
}
