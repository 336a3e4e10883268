/** `pmta-acct report`: argv → ReportRequest → text on stdout (or a file). */
import { Command, Option } from 'commander';
import { report } from '../app/report/report.js';
import { FilesSource } from '../app/sources/files.js';
import type { RollupQuestion, RollupSource } from '../app/sources/rollup-source.js';
import { StateSource } from '../app/sources/state.js';
import { PmtaAcctError } from '../errors.js';
import { SummaryDirHistory } from '../history/summary-dir.js';
import { COMPARE_MODES, type CompareMode } from '../model/compare.js';
import type { ReportModel } from '../model/model.js';
import { parseRange } from '../parse/time-range.js';
import { ANSI_PAINT, NO_PAINT } from '../render/highlight.js';
import { redactModel } from '../render/privacy.js';
import { checkTimeZone } from '../rollup/buckets.js';
import { clockOf } from '../util/clock.js';
import { parseBucket, parseDims, parsePositiveInt } from './args.js';
import { EXIT_OK, exitOfStatus } from './exit.js';
import { toTerminal, useColor, writePieces, warn, warnBadRecords } from './io.js';
import { stdoutIsTerminal } from './std-streams.js';
import { addReadingOptions, readingOf, type ReadingFlags } from './reading-options.js';
import { verdictPlanOf, type VerdictFlags } from './verdict-args.js';
import { version } from './version.js';
import { isOneOf } from '../util/one-of.js';
import { addFleetOptions, fleetSourceOf, parseFleetDims, type FleetFlags } from './fleet-options.js';

export const FORMATS = ['table', 'json', 'csv', 'md', 'html', 'prom'] as const;
type Format = (typeof FORMATS)[number];

/** Output file name endings and the format they imply (when --format does not say). */
const FORMAT_OF_EXT: readonly [string, Format][] = [
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.md', 'md'],
  ['.json', 'json'],
  ['.csv', 'csv'],
  ['.prom', 'prom'],
  ['.txt', 'table'],
];

function formatOfFile(file: string): Format | undefined {
  const lower = file.toLowerCase();
  return FORMAT_OF_EXT.find(([ext]) => lower.endsWith(ext))?.[1];
}

/** Each output and its format: --format for stdout or a single file; by file name for several. */
function outputsOf(flags: ReportFlags): { file: string | undefined; format: Format }[] {
  const files = flags.output ?? [];
  if (files.length <= 1) {
    const file = files[0];
    const tty = (file === undefined || file === '-') && stdoutIsTerminal();
    return [{ file, format: flags.format ?? (file === undefined ? undefined : formatOfFile(file)) ?? (tty ? 'table' : 'json') }];
  }
  if (flags.format !== undefined)
    throw new PmtaAcctError('USAGE', "--format names one format: with several -o files, each file's format comes from its name");
  return files.map((file) => {
    const format = formatOfFile(file);
    if (format === undefined)
      throw new PmtaAcctError('USAGE', `-o ${file}: name the format by the file's ending (${FORMAT_OF_EXT.map(([e]) => e).join(', ')})`);
    return { file, format };
  });
}

/** The verdicts' status as the exit code (the `check` codes), unless --exit-zero. */
function exitCodeOf(model: ReportModel, flags: ReportFlags): number {
  if (flags.exitZero === true || !model.verdicts) return EXIT_OK;
  return exitOfStatus(model.verdicts.status);
}

function parseCompare(text: string | undefined): CompareMode | null {
  if (text === undefined) return null;
  if (!isOneOf(COMPARE_MODES, text)) throw new PmtaAcctError('USAGE', `--compare: '${text}' is not one of ${COMPARE_MODES.join(', ')}`);
  return text;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

interface ReportFlags extends VerdictFlags, ReadingFlags, FleetFlags {
  by: string;
  bucket?: string;
  since?: string;
  until?: string;
  tz: string;
  format?: Format;
  top?: string;
  output?: string[];
  compare?: string;
  history?: string;
  save?: string;
  showAddresses?: boolean;
  verdicts?: boolean;
  exitZero?: boolean;
  color?: boolean;
  state?: string;
}

/**
 * Renderers are loaded on use: each pulls its own dependencies (cli-table3 for the table). The
 * text comes in pieces, written as they are made (the JSON's groups one at a time).
 */
async function render(
  format: Format,
  model: ReportModel,
  flags: ReportFlags,
  color: boolean,
  terminal: boolean,
): Promise<Iterable<string>> {
  const top = parsePositiveInt(flags.top, '--top');
  switch (format) {
    case 'json':
      return (await import('../render/json.js')).jsonPieces(model);
    case 'csv':
      return (await import('../render/csv.js')).csvPieces(model, { terminal });
    case 'md':
      return [(await import('../render/markdown.js')).renderMarkdown(model, top ?? 20)];
    case 'table':
      return [(await import('../render/table.js')).renderTable(model, { paint: color ? ANSI_PAINT : NO_PAINT, top: top ?? 20 })];
    case 'html':
      return [(await import('../render/html/page.js')).renderHtml(model, { top: top ?? 20, version: version() })];
    case 'prom':
      return [(await import('../render/prometheus.js')).renderProm(model, { top })];
  }
}

/** Formats that show verdicts, reasons and charts (the nightly report). */
const NIGHTLY: ReadonlySet<Format> = new Set(['html', 'md', 'prom']);

export function reportCommand(onExit: (code: number) => void): Command {
  return addFleetOptions(
    addReadingOptions(
      new Command('report')
        .description('roll up accounting files into per-ISP / per-IP counts and rates')
        .argument(
          '[inputs...]',
          "files, directories of rotated files (.csv, .csv.gz), quoted glob patterns ('acct-2026-11-*.csv*'), or - for stdin",
        )
        .option('--by <dims>', 'group by these dimensions: isp, ip, vmta, pool, job, domain, bounceCat, type', 'isp,ip')
        .option('--bucket <size>', 'time buckets: 1m, 5m, 15m, 1h or 1d')
        .option('--since <time>', 'only events at or after this time (2026-11-28, yesterday, 24h, ...)')
        .option('--until <time>', 'only events before this time')
        .option('--tz <zone>', 'time zone for dates, 1d buckets and labels', 'UTC')
        .addOption(new Option('--format <format>', 'output format (default: table on a terminal, json otherwise)').choices(FORMATS))
        .option('--top <n>', 'rows per table (default 20); in json, csv and prom only when given: the n biggest keys')
        .option(
          '-o, --output <file>',
          'write the report to this file (repeatable: the format of each comes from its name, e.g. -o day.html -o day.md)',
          collect,
        )
        .option('--compare <mode>', 'show each figure against the previous period (previous) or the median of the 7 previous ones (7d)')
        .option('--history <dir>', 'daily summaries to compare with (default: the --save directory)')
        .option('--save <dir>', 'record a summary of each day of the period in this directory (for --compare)')
        .option('--show-addresses', 'show recipient addresses found in record text (hidden as ...@domain by default)')
        .option('--rules <file>', 'verdict rules file (YAML or JSON); default $PMTA_ACCT_RULES, else the built-in rules')
        .option('--pmta-config <file>', 'PowerMTA config to read max-msg-rate limits, virtual MTAs and pools from')
        .option('--at <time>', 'verdict windows end at this time (default: just after the latest event; now with --state)')
        .option('--no-verdicts', 'no verdicts (and exit 0)')
        .option('--exit-zero', 'exit 0 even when a verdict is WARN or CRIT')
        .option('--state <dir>', 'report from the buckets pmta-acct tail stored in this state directory instead of files')
        .option('--no-color', 'no colours in the table'),
    ),
  ).action(async (inputs: string[], flags: ReportFlags) => {
    const tz = checkTimeZone(flags.tz);
    const now = Math.floor(clockOf().now() / 1000);
    const fleet = await fleetSourceOf(flags, flags.by, inputs.length > 0 || flags.state !== undefined, now);
    if (inputs.length === 0 && flags.state === undefined && fleet === null)
      throw new PmtaAcctError(
        'USAGE',
        'report: name at least one file or directory (or - for standard input), --state DIR or --clickhouse URL',
      );
    const range = parseRange(flags.since, flags.until, tz, now);
    const outputs = outputsOf(flags);
    const formats = new Set(outputs.map((o) => o.format));
    const human = [...formats].some((f) => f === 'table' || f === 'md' || f === 'html' || f === 'prom');
    const nightly = [...formats].some((f) => NIGHTLY.has(f));
    const compare = parseCompare(flags.compare);
    const alsoBy: string[] = human ? ['isp', 'ip'] : [];
    // Reasons: by bounce category and by diag template (query's masking of dsnDiag).
    if (nightly) alsoBy.push('bounceCat', 'diag');
    if (compare !== null) alsoBy.push('isp', 'ip');
    const reading = await readingOf(flags);
    const config = reading.config;
    const plan = flags.verdicts === false ? null : await verdictPlanOf(flags, config, tz);
    const question: RollupQuestion = {
      by: fleet === null ? parseDims(flags.by) : parseFleetDims(flags.by).dims,
      alsoBy,
      bucket: parseBucket(flags.bucket),
      since: range.since,
      until: range.until,
      tz,
      top: human ? null : (parsePositiveInt(flags.top, '--top') ?? null),
      // JSON and CSV show the total and the groups only; --compare compares the views.
      views: human || compare !== null,
      verdicts: plan,
    };
    if (flags.state !== undefined && inputs.length > 0)
      throw new PmtaAcctError('USAGE', 'report --state reads the stored buckets: name no input files');
    const source: RollupSource =
      fleet ?? (flags.state === undefined ? new FilesSource(inputs, reading) : new StateSource(flags.state, now));
    // --compare reads --history DIR, else the --save DIR, else what the source keeps (a tail state).
    const historyDir = flags.history ?? flags.save;
    const outcome = await report(source, question, {
      charts: formats.has('html') || formats.has('md') || formats.has('table'),
      save: flags.save ?? null,
      compare,
      history: historyDir === undefined ? null : new SummaryDirHistory(historyDir),
    }).finally(() => fleet?.close());
    for (const note of outcome.notes) warn(note);
    const model = outcome.model;
    for (const g of model.input.gaps ?? []) warn(`data lost: ${g.path}: ${g.reason}`);
    const shown = flags.showAddresses === true ? model : redactModel(model);
    // The exit code is known before a byte is written: a reader that stops early (`| head`) ends
    // the process with it (io.ts), not with 0.
    onExit(exitCodeOf(shown, flags));
    for (const o of outputs) {
      writePieces(await render(o.format, shown, flags, flags.color !== false && useColor(o.file), toTerminal(o.file)), o.file);
    }
    for (const n of shown.comparison?.notes ?? []) warn(`--compare: ${n}`);
    if (!formats.has('table')) warnBadRecords(shown.input, formats.has('json') ? 'json' : ([...formats][0] ?? 'json'));
  });
}
