/**
 * `pmta-acct load FILES... --clickhouse URL [--host NAME]`: archives into the fleet store's
 * records table, exactly once (app/load/load.ts). One line per file on stdout (loaded, grown,
 * already loaded), bad records as `query` reports them, progress on a terminal.
 */
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { DEFAULT_BATCH_ROWS, runLoad, type FileOutcome } from '../app/load/load.js';
import { loadRecipientKey } from '../clickhouse/recipient-hash.js';
import { PmtaAcctError } from '../errors.js';
import { formatProblem } from '../parse/problems.js';
import { formatCount } from '../render/format.js';
import { parsePositiveInt } from './args.js';
import { addClickHouseOptions, openClickHouseOf, type ClickHouseFlags } from './clickhouse-options.js';
import { EXIT_OK } from './exit.js';
import { warn, writeOutput } from './io.js';
import { progressFor } from './progress.js';
import { addReadingOptions, readingOf, type ReadingFlags } from './reading-options.js';

interface LoadFlags extends ReadingFlags, ClickHouseFlags {
  host?: string;
  hashKeyFile?: string;
  storeAddresses?: boolean;
  batchRows?: string;
  progress?: boolean;
  live?: boolean;
}

function line(o: FileOutcome): string {
  const waiting = o.waiting > 0 ? `; the last ${formatCount(o.waiting)} bytes wait for their line end` : '';
  return `${status(o)}${waiting}`;
}

function status(o: FileOutcome): string {
  switch (o.status) {
    case 'loaded':
      return `${o.path}: ${formatCount(o.records)} records loaded`;
    case 'grown':
      return `${o.path}: grew since the last load, ${formatCount(o.records)} new records loaded (from byte ${formatCount(o.from)}${
        o.readFrom === 0 ? '; read again from its start: no resume point for it' : ''
      })`;
    case 'already':
      return `${o.path}: already loaded (${formatCount(o.from)} bytes), nothing to do`;
    case 'empty':
      return `${o.path}: no records yet, nothing to do`;
  }
}

export function loadCommand(onExit: (code: number) => void): Command {
  return addClickHouseOptions(
    addReadingOptions(
      new Command('load')
        .description(
          'load accounting files into ClickHouse for query --clickhouse: exactly once, by content (again, gzipped or grown: only what is new)',
        )
        .argument('<files...>', "files, directories or quoted glob patterns ('acct-2026-11-*.csv*')")
        .option('--host <name>', "the PowerMTA host the files come from (default: this machine's host name)")
        .option(
          '--hash-key-file <file>',
          'key of the recipient hash (created, mode 0600, when missing; default $PMTA_ACCT_HASH_KEY_FILE or ~/.config/pmta-acct/recipient-hash.key)',
        )
        .option('--store-addresses', 'keep recipient addresses in clear too (default: domain and keyed hash only)')
        .option(
          '--live',
          "the files may still be written (a timer's load of the live accounting file): a last record without its line end waits for the next load",
        )
        .option('--progress', 'show progress on stderr even when it is not a terminal')
        .option('--no-progress', 'no progress line on stderr')
        .addOption(new Option('--batch-rows <n>', `rows per insert (default ${DEFAULT_BATCH_ROWS})`).hideHelp()),
    ),
  ).action(async (inputs: string[], flags: LoadFlags) => {
    const host = flags.host ?? hostname();
    const key = loadRecipientKey(flags.hashKeyFile, true);
    const reading = await readingOf(flags);
    const ch = await openClickHouseOf(flags, { withoutDatabase: true });
    if (ch === null) throw new PmtaAcctError('USAGE', 'load: name the ClickHouse server: --clickhouse URL or $PMTA_ACCT_CLICKHOUSE');
    const progress = progressFor(flags.progress);
    try {
      const r = await runLoad(ch, {
        ...reading,
        inputs,
        host,
        key,
        storeAddresses: flags.storeAddresses === true,
        batchRows: parsePositiveInt(flags.batchRows, '--batch-rows'),
        live: flags.live === true,
        onProgress: progress === null ? undefined : (p) => progress.update(p),
        failpoint: process.env.PMTA_ACCT_FAILPOINT,
      });
      progress?.clear();
      writeOutput(
        `${r.files.map(line).join('\n')}\npmta-acct load: ${formatCount(r.records)} records loaded into ${ch.target.display} as host ${host}\n`,
        undefined,
      );
      const n = r.problems.badRecords;
      if (n > 0) {
        warn(`${formatCount(n)} bad record${n === 1 ? ' was' : 's were'} skipped:`);
        for (const p of r.problems.first) warn(`  ${formatProblem(p)}`);
      }
    } finally {
      progress?.clear();
      await ch.close();
    }
    onExit(EXIT_OK);
  });
}
