/**
 * The options `report` and `check` add over the fleet store: `--clickhouse URL` (or
 * $PMTA_ACCT_CLICKHOUSE when no files and no --state are named), `--hosts a,b`, `--host-silence`,
 * and `--by` with `host` among the dimensions.
 */
import type { Command } from 'commander';
import { ClickHouseSource } from '../app/sources/clickhouse.js';
import { FLEET_DIMS } from '../app/sources/fleet-read.js';
import { ClickHouse } from '../clickhouse/connection.js';
import { sqlLabel } from '../clickhouse/sql.js';
import { PmtaAcctError } from '../errors.js';
import { isDimension, type Dimension } from '../classify/classifier.js';
import { parseList, parseSeconds } from './args.js';
import { addClickHouseOptions, clickHouseTargetOf, type ClickHouseFlags } from './clickhouse-options.js';

export interface FleetFlags extends ClickHouseFlags {
  hosts?: string;
  hostSilence: string;
}

/** A host that has not shipped for this long is CRIT (ship --once from cron every 5 minutes, or ship following). */
export const DEFAULT_HOST_SILENCE = '15m';

export function addFleetOptions(cmd: Command): Command {
  return addClickHouseOptions(cmd, 'report from the fleet store instead of files')
    .option('--hosts <names>', 'with --clickhouse: these hosts only (comma-separated)')
    .option('--host-silence <duration>', 'with --clickhouse: a host that has not shipped for this long is CRIT', DEFAULT_HOST_SILENCE);
}

/** `--by` over the fleet: every dimension and `host`; the question's dimensions leave `host` out. */
export function parseFleetDims(text: string): { by: string[]; dims: Dimension[] } {
  const by = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  for (const d of by)
    if (!FLEET_DIMS.includes(d)) throw new PmtaAcctError('USAGE', `--by: unknown dimension '${d}' (use ${FLEET_DIMS.join(', ')})`);
  return { by, dims: by.filter(isDimension) };
}

/**
 * How long one fleet read may take: a report over weeks of a hundred hosts is minutes of FINAL on
 * ClickHouse 18.16, and the client's default (30 s) cut it off as a fault (exit 3). A check run by
 * a monitoring system is bounded by that system's own timeout.
 */
export const FLEET_READ_TIMEOUT_MS = 10 * 60_000;

/**
 * The fleet source when `--clickhouse` is given, or $PMTA_ACCT_CLICKHOUSE is set and neither files
 * nor `--state` are named; null otherwise. `--hosts` and `--host-silence` without it are refused.
 */
export async function fleetSourceOf(flags: FleetFlags, by: string, filesOrState: boolean, now: number): Promise<ClickHouseSource | null> {
  const target = flags.clickhouse !== undefined || !filesOrState ? clickHouseTargetOf(flags) : null;
  if (target === null) {
    if (flags.hosts !== undefined) throw new PmtaAcctError('USAGE', '--hosts narrows the fleet store: give --clickhouse URL');
    return null;
  }
  if (filesOrState) throw new PmtaAcctError('USAGE', '--clickhouse reads the fleet store: name no input files and no --state');
  const hosts = parseList(flags.hosts);
  hosts?.forEach((h) => sqlLabel(h, '--hosts'));
  const silenceAfter = parseSeconds(flags.hostSilence, '--host-silence');
  const ch = await ClickHouse.open(target, { requestTimeoutMs: FLEET_READ_TIMEOUT_MS });
  return new ClickHouseSource(ch, {
    by: parseFleetDims(by).by,
    hosts: hosts === null || hosts.length === 0 ? null : hosts,
    now,
    silenceAfter,
  });
}
