/** `pmta-acct report`: argv → ReportRequest → text on stdout (or a file). */
import { Command, Option } from 'commander';
import { loadConfig } from '../config/config-file.js';
import { PmtaAcctError } from '../errors.js';
import { checkTimeZone } from '../rollup/buckets.js';
import { ANSI_PAINT, NO_PAINT } from '../report/highlight.js';
import type { ReportModel } from '../report/model.js';
import { runReport, type ReportRequest } from '../report/report-run.js';
import { runStateReport } from '../report/state-report.js';
import { parseRange } from '../util/time-range.js';
import { parseBucket, parseDims, parseList, parsePositiveInt, parseThreads } from './args.js';
import { EXIT_CRITICAL, EXIT_OK, EXIT_WARNING } from './exit.js';
import { useColor, writeOutput, warn } from './io.js';
import { verdictPlanOf, type VerdictFlags } from './verdict-args.js';

export const FORMATS = ['table', 'json', 'csv', 'md'] as const;
type Format = (typeof FORMATS)[number];

interface ReportFlags extends VerdictFlags {
  by: string;
  bucket?: string;
  since?: string;
  until?: string;
  tz: string;
  format?: Format;
  top?: string;
  output?: string;
  workers?: string;
  strict?: boolean;
  header?: string;
  hardCategories?: string;
  config?: string;
  color?: boolean;
  chunkSize?: string;
  maxRecordBytes?: string;
  maxRecordLines?: string;
  minRange?: string;
  verdicts?: boolean;
  exitZero?: boolean;
  state?: string;
}

/** The verdicts' status as the exit code (the `check` codes), unless --exit-zero. */
function exitCodeOf(model: ReportModel, flags: ReportFlags): number {
  if (flags.exitZero === true || !model.verdicts) return EXIT_OK;
  return model.verdicts.status === 'CRIT' ? EXIT_CRITICAL : model.verdicts.status === 'WARN' ? EXIT_WARNING : EXIT_OK;
}

/** Renderers are loaded on use: each pulls its own dependencies (cli-table3 for the table). */
async function render(format: Format, model: ReportModel, flags: ReportFlags, color: boolean): Promise<string> {
  const top = parsePositiveInt(flags.top, '--top');
  switch (format) {
    case 'json': return (await import('../report/json.js')).renderJson(model);
    case 'csv': return (await import('../report/csv.js')).renderCsv(model);
    case 'md': return (await import('../report/markdown.js')).renderMarkdown(model, top ?? 20);
    case 'table': return (await import('../report/table.js')).renderTable(model, { paint: color ? ANSI_PAINT : NO_PAINT, top: top ?? 20 });
  }
}

export function reportCommand(onExit: (code: number) => void): Command {
  return new Command('report')
    .description('roll up accounting files into per-ISP / per-IP counts and rates')
    .argument('[inputs...]', 'files, directories of rotated files (.csv, .csv.gz), or - for stdin')
    .option('--by <dims>', 'group by these dimensions: isp, ip, vmta, pool, job, domain, bounceCat, type', 'isp,ip')
    .option('--bucket <size>', 'time buckets: 1m, 5m, 15m, 1h or 1d')
    .option('--since <time>', 'only events at or after this time (2026-11-28, yesterday, 24h, ...)')
    .option('--until <time>', 'only events before this time')
    .option('--tz <zone>', 'time zone for dates, 1d buckets and labels', 'UTC')
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, json otherwise)').choices(FORMATS))
    .option('--top <n>', 'rows per table (and keys in json/csv when given)')
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--workers <n>', 'threads to read with (default: all cores)')
    .option('--strict', 'stop at the first bad record')
    .option('--header <columns>', 'column names for input that has no header line')
    .option('--hard-categories <list>', 'bounce categories that count as hard bounces')
    .option('--config <file>', 'config file (ISP map overrides, hard bounce categories); default $PMTA_ACCT_CONFIG')
    .option('--rules <file>', 'verdict rules file (YAML or JSON); default $PMTA_ACCT_RULES, else the built-in rules')
    .option('--pmta-config <file>', 'PowerMTA config to read max-msg-rate limits, virtual MTAs and pools from')
    .option('--at <time>', 'verdict windows end at this time (default: the latest event)')
    .option('--no-verdicts', 'no verdicts (and exit 0)')
    .option('--exit-zero', 'exit 0 even when a verdict is WARN or CRIT')
    .option('--state <dir>', 'report from the buckets pmta-acct tail stored in this state directory instead of files')
    .option('--no-color', 'no colours in the table')
    .addOption(new Option('--chunk-size <bytes>').hideHelp())
    .addOption(new Option('--max-record-bytes <bytes>').hideHelp())
    .addOption(new Option('--max-record-lines <n>').hideHelp())
    .addOption(new Option('--min-range <bytes>').hideHelp())
    .action(async (inputs: string[], flags: ReportFlags) => {
      if (inputs.length === 0 && flags.state === undefined) throw new PmtaAcctError('USAGE', 'report: name at least one file or directory (or - for standard input), or --state DIR');
      if (inputs.length > 0 && flags.state !== undefined) throw new PmtaAcctError('USAGE', 'report: give files or --state DIR, not both');
      const tz = checkTimeZone(flags.tz);
      const range = parseRange(flags.since, flags.until, tz, Math.floor(Date.now() / 1000));
      const format: Format = flags.format ?? (process.stdout.isTTY && flags.output === undefined ? 'table' : 'json');
      const human = format === 'table' || format === 'md';
      const config = await loadConfig(flags.config ?? process.env.PMTA_ACCT_CONFIG);
      const plan = flags.verdicts === false || flags.state !== undefined ? null : await verdictPlanOf(flags, config, tz);
      const request: ReportRequest = {
        inputs,
        by: parseDims(flags.by),
        alsoBy: human ? ['isp', 'ip'] : [],
        bucket: parseBucket(flags.bucket),
        since: range.since,
        until: range.until,
        tz,
        top: human ? null : (parsePositiveInt(flags.top, '--top') ?? null),
        config,
        hardCategories: parseList(flags.hardCategories),
        header: parseList(flags.header),
        strict: flags.strict === true,
        threads: parseThreads(flags.workers),
        chunkSize: parsePositiveInt(flags.chunkSize, '--chunk-size'),
        maxRecordBytes: parsePositiveInt(flags.maxRecordBytes, '--max-record-bytes'),
        maxRecordLines: parsePositiveInt(flags.maxRecordLines, '--max-record-lines'),
        minRange: parsePositiveInt(flags.minRange, '--min-range'),
        verdicts: plan,
      };
      let model: ReportModel;
      if (flags.state !== undefined) {
        const fromState = runStateReport(flags.state, request);
        for (const note of fromState.notes) warn(note);
        model = fromState.model;
      } else {
        model = await runReport(request);
      }
      for (const g of model.input.gaps ?? []) warn(`data lost: ${g.path}: ${g.reason}`);
      writeOutput(await render(format, model, flags, flags.color !== false && useColor(flags.output)), flags.output);
      if (model.input.badRecords > 0 && format !== 'table') {
        warn(`${model.input.badRecords} bad records (first: ${model.input.problems[0]?.file}:${model.input.problems[0]?.line}); see input.problems`);
      }
      onExit(exitCodeOf(model, flags));
    });
}
