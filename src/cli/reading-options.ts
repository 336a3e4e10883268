/** The options every command that reads accounting files takes (report, check, query), once. */
import { type Command, Option } from 'commander';
import { loadConfig } from '../config/config-file.js';
import type { RunSettings } from '../engine/options.js';
import { parseList, parsePositiveInt, parseThreads } from './args.js';

export interface ReadingFlags {
  workers?: string;
  strict?: boolean;
  header?: string;
  hardCategories?: string;
  config?: string;
  chunkSize?: string;
  maxRecordBytes?: string;
  maxRecordLines?: string;
  minRange?: string;
}

/** What the reading options give: the engine's run settings. */
export type Reading = RunSettings;

export function addReadingOptions(cmd: Command, strictHelp = 'stop at the first bad record'): Command {
  return (
    cmd
      .option('--workers <n>', 'threads to read with (default: as many of the cores as pay for themselves)')
      .option('--strict', strictHelp)
      .option('--header <columns>', 'column names for input that has no header line')
      .option('--hard-categories <list>', 'bounce categories that count as hard bounces')
      .option('--config <file>', 'config file (ISP map overrides, hard bounce categories); default $PMTA_ACCT_CONFIG')
      // for tests and the benchmark: record caps and how input is cut
      .addOption(new Option('--chunk-size <bytes>').hideHelp())
      .addOption(new Option('--max-record-bytes <bytes>').hideHelp())
      .addOption(new Option('--max-record-lines <n>').hideHelp())
      .addOption(new Option('--min-range <bytes>').hideHelp())
  );
}

export async function readingOf(flags: ReadingFlags): Promise<Reading> {
  return {
    config: await loadConfig(flags.config ?? process.env.PMTA_ACCT_CONFIG),
    hardCategories: parseList(flags.hardCategories),
    header: parseList(flags.header),
    strict: flags.strict === true,
    threads: parseThreads(flags.workers),
    autoThreads: flags.workers === undefined,
    chunkSize: parsePositiveInt(flags.chunkSize, '--chunk-size'),
    maxRecordBytes: parsePositiveInt(flags.maxRecordBytes, '--max-record-bytes'),
    maxRecordLines: parsePositiveInt(flags.maxRecordLines, '--max-record-lines'),
    minRange: parsePositiveInt(flags.minRange, '--min-range'),
  };
}
