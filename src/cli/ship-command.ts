/**
 * `pmta-acct ship --state DIR --clickhouse URL [--host NAME] [--once]`: the state's committed
 * buckets into the fleet store (app/ship/ship.ts). `--once` ships what is committed and exits;
 * without it, it ships every --interval, and a server that is away (refused, timed out, restarting)
 * is retried with backoff, one line on stderr per outage, until it is back: nothing is lost, the
 * state keeps what is not acknowledged. A fault retrying cannot mend (no tables, a refused user)
 * ends it with exit 3.
 */
import { Command } from 'commander';
import { Shipper, defaultHost } from '../app/ship/ship.js';
import type { ClickHouse } from '../clickhouse/connection.js';
import { ClickHouseFault } from '../clickhouse/fault.js';
import { PmtaAcctError } from '../errors.js';
import { defaultStateDir } from '../state/state-db.js';
import { parsePositiveInt, parseSeconds } from './args.js';
import { EXIT_OK } from './exit.js';
import { warn, writeOutput } from './io.js';
import { addClickHouseOptions, openClickHouseOf, type ClickHouseFlags } from './clickhouse-options.js';

interface ShipFlags extends ClickHouseFlags {
  state?: string;
  host?: string;
  once?: boolean;
  interval: string;
  quiet?: boolean;
  round?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function open(flags: ShipFlags): Promise<ClickHouse> {
  const ch = await openClickHouseOf(flags);
  if (ch === null) throw new PmtaAcctError('USAGE', 'ship: name the fleet store: --clickhouse URL or $PMTA_ACCT_CLICKHOUSE');
  return ch;
}

async function shipOnce(flags: ShipFlags, host: string, stateDir: string): Promise<string> {
  const ch = await open(flags);
  try {
    const shipper = await Shipper.open(ch, { stateDir, host, roundBuckets: parsePositiveInt(flags.round, '--round') });
    if (shipper.resent !== null)
      warn(
        `ship: ${ch.target.display} has never heard of host ${host}, though this state shipped before (to another store, or under another --host): sending all ${shipper.resent} buckets it holds`,
      );
    try {
      const r = await shipper.shipAll();
      return `shipped ${r.buckets} buckets (${r.rows} groups, ${r.withdrawn} withdrawn) of ${host} to ${ch.target.display}; acknowledged up to change ${r.acked}, ${r.pending} pending\n`;
    } finally {
      shipper.close();
    }
  } finally {
    await ch.close();
  }
}

export function shipCommand(onExit: (code: number) => void): Command {
  return addClickHouseOptions(
    new Command('ship').description('send the buckets tail committed to the fleet store (ClickHouse), exactly once in effect'),
  )
    .option('--state <dir>', 'the tail state to ship (default: $XDG_STATE_HOME/pmta-acct)')
    .option('--host <name>', "this host's name in the fleet (default: the machine's short host name)")
    .option('--once', 'ship what is committed now and exit (cron, tests)')
    .option('--interval <duration>', 'how often to ship when following', '10s')
    .option('--round <buckets>', 'changed buckets per insert round (default 500)')
    .option('-q, --quiet', 'no line per round')
    .action(async (flags: ShipFlags) => {
      const host = flags.host ?? defaultHost();
      const stateDir = flags.state ?? defaultStateDir();
      const interval = parseSeconds(flags.interval, '--interval') * 1000;
      if (flags.once === true) {
        const line = await shipOnce(flags, host, stateDir);
        if (flags.quiet !== true) writeOutput(line, undefined);
        onExit(EXIT_OK);
        return;
      }
      let stop = false;
      const end = () => {
        stop = true;
      };
      process.once('SIGTERM', end);
      process.once('SIGINT', end);
      let backoff = 1000;
      let away: string | null = null;
      while (!stop) {
        try {
          const line = await shipOnce(flags, host, stateDir);
          if (away !== null) warn(`ship: the fleet store is back (${away})`);
          away = null;
          backoff = 1000;
          if (flags.quiet !== true && !line.startsWith('shipped 0 ')) writeOutput(line, undefined);
          await sleep(interval);
        } catch (err) {
          if (!(err instanceof ClickHouseFault) || !err.transient) throw err;
          if (away === null) warn(`ship: ${err.message}; retrying (nothing is lost: the state keeps what is not acknowledged)`);
          away = err.message;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 60_000);
        }
      }
      onExit(EXIT_OK);
    });
}
