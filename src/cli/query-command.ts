/**
 * `pmta-acct query`: argv → an aggregate run (--group-by, counts and rates per group, report's
 * renderers) or a --select run (the matching records themselves, streamed) → stdout or a file.
 */
import { Command, Option } from 'commander';
import { FIELD_HELP } from '../classify/fields.js';
import { DEFAULT_MAX_GROUPS } from '../engine/group-limit.js';
import { PmtaAcctError } from '../errors.js';
import { runAggregate, type AggregateResult, type QueryOptions } from '../app/query/query-run.js';
import { ALL_COLUMNS } from '../app/query/select-sink.js';
import { runSelect } from '../app/query/select-run.js';
import { SORT_NAMES } from '../app/query/sort.js';
import { formatBytes, formatCount, shortTime } from '../render/format.js';
import { RECORD_FORMATS, type RecordFormat } from '../render/records.js';
import { checkTimeZone } from '../rollup/buckets.js';
import { parseRange } from '../parse/time-range.js';
import { parseBucket, parseList, parsePositiveInt } from './args.js';
import { EXIT_OK } from './exit.js';
import { streamOutput, toTerminal, warn, warnBadRecords, writePieces } from './io.js';
import { stdoutIsTerminal } from './std-streams.js';
import { progressFor } from './progress.js';
import { renderQueryGroups } from './query-groups.js';
import { addReadingOptions, readingOf, type ReadingFlags } from './reading-options.js';
import { addClickHouseOptions, clickHouseTargetOf, type ClickHouseFlags } from './clickhouse-options.js';
import { queryClickHouse } from './query-clickhouse.js';

/** Rows a --select table shows without --limit (a table is drawn at the end, so it is held in memory). */
const TABLE_LIMIT = 100;

interface QueryFlags extends ReadingFlags, ClickHouseFlags {
  hosts?: string;
  hashKeyFile?: string;
  where?: string;
  groupBy?: string;
  select?: string;
  limit?: string;
  top?: string;
  sort?: string;
  maxGroups?: string;
  bucket?: string;
  since?: string;
  until?: string;
  tz: string;
  format?: RecordFormat;
  output?: string;
  color?: boolean;
  progress?: boolean;
}

function headline(r: AggregateResult): string {
  const i = r.model.input;
  const pruned = r.pruned.length > 0 ? ` (${formatCount(r.pruned.length)} more skipped by name)` : '';
  const span =
    i.firstEvent !== null && i.lastEvent !== null
      ? `, events ${shortTime(i.firstEvent, r.model.range.tz)} to ${shortTime(i.lastEvent, r.model.range.tz)} ${r.model.range.tz}`
      : '';
  const bad = i.badRecords > 0 ? ` (${formatCount(i.badRecords)} bad)` : '';
  return `pmta-acct query: ${formatCount(i.files)} file${i.files === 1 ? '' : 's'}${pruned}, ${formatBytes(i.bytes)}, ${formatCount(i.records)} records${bad}, ${formatCount(i.counted)} matching${span}`;
}

function warnMissing(columns: readonly string[]): void {
  for (const c of columns) warn(`column '${c}' is in no header read: its value is empty in every record`);
}

async function aggregate(flags: QueryFlags, q: QueryOptions, format: RecordFormat): Promise<void> {
  const progress = progressFor(flags.progress);
  const top = parsePositiveInt(flags.top, '--top') ?? null;
  let result: AggregateResult;
  try {
    result = await runAggregate({
      ...q,
      groupBy: parseList(flags.groupBy) ?? [],
      top: format === 'table' ? (top ?? 20) : top,
      sort: flags.sort ?? null,
      onProgress: progress === null ? undefined : (p) => progress.update(p),
    });
  } finally {
    progress?.clear();
  }
  const m = result.model;
  const info = { where: q.where, sort: flags.sort ?? null, unmatched: result.unmatched, pruned: result.pruned };
  writePieces(
    renderQueryGroups(m, info, { format, output: flags.output, color: flags.color, top, headline: headline(result) }),
    flags.output,
  );
  for (const note of result.leftOut) warn(note);
  warnMissing(result.missingColumns);
  if (format !== 'table') warnBadRecords(m.input, format);
}

async function select(flags: QueryFlags, q: QueryOptions, format: RecordFormat, fields: string[]): Promise<void> {
  const progress = progressFor(flags.progress);
  const out = streamOutput(flags.output);
  const limit = parsePositiveInt(flags.limit, '--limit') ?? (format === 'table' ? TABLE_LIMIT : null);
  try {
    const result = await runSelect(
      {
        ...q,
        select: fields,
        limit,
        format,
        terminal: toTerminal(flags.output),
        onProgress: progress === null ? undefined : (p) => progress.update(p),
      },
      async (text) => {
        progress?.clear();
        await out.write(text);
      },
    );
    progress?.clear();
    await out.close();
    for (const note of result.leftOut) warn(note);
    warnMissing(result.missingColumns);
    // where the first is, as after groups (a .gz cut short is one bad record and the rest of its file)
    warnBadRecords(result, format);
  } finally {
    progress?.clear();
  }
}

export function queryCommand(onExit: (code: number) => void): Command {
  return addClickHouseOptions(
    addReadingOptions(
      new Command('query')
        .description('answer a question over accounting files and archives: filter, group, or print matching records')
        .argument('[inputs...]', "files, directories, quoted glob patterns ('acct-2026-11-*.csv*'), or - for stdin")
        .option('--where <expr>', 'only records matching this expression, e.g. "isp = gmail and type in (b, t)"')
        .option('--group-by <fields>', `group by these fields: ${FIELD_HELP}`)
        .option('--select <fields>', "print the matching records' fields instead of counting (* for every column)")
        .option('--limit <n>', 'with --select: stop after n records (a table shows 100 unless told)')
        .option('--top <n>', 'keep the n first groups (default 20 in a table)')
        .option('--sort <name>', `order groups by ${SORT_NAMES.join(', ')} or a --group-by field; add :asc or :desc`)
        .option(
          '--max-groups <n>',
          `stop when there are more groups than this (about 1 KB of memory each; default ${formatCount(DEFAULT_MAX_GROUPS)})`,
        )
        .option('--bucket <size>', 'time buckets for the bucket field: 1m, 5m, 15m, 1h or 1d (default 1h)')
        .option('--since <time>', 'only events at or after this time; rotated files that end before it are not read')
        .option('--until <time>', 'only events before this time; rotated files that start after it are not read')
        .option('--tz <zone>', 'time zone for dates, 1d buckets and labels', 'UTC')
        .addOption(
          new Option('--format <format>', 'output format (default: table on a terminal; json, or ndjson with --select, otherwise)').choices(
            RECORD_FORMATS,
          ),
        )
        .option('-o, --output <file>', 'write to this file instead of stdout')
        .option('--no-color', 'no colours in the table')
        .option('--progress', 'show progress on stderr even when it is not a terminal')
        .option('--no-progress', 'no progress line on stderr')
        .option('--hosts <names>', 'with --clickhouse: only records loaded for these hosts (load --host)')
        .option(
          '--hash-key-file <file>',
          'with --clickhouse: the recipient hash key the records were loaded with, for rcpt = ... (default as load)',
        ),
    ),
    'the records load stored (instead of files)',
  ).action(async (inputs: string[], flags: QueryFlags) => {
    const target = inputs.length === 0 ? clickHouseTargetOf(flags) : null;
    if (inputs.length > 0 && flags.clickhouse !== undefined)
      throw new PmtaAcctError('USAGE', 'query: name files or --clickhouse, not both');
    if (inputs.length === 0 && target === null)
      throw new PmtaAcctError(
        'USAGE',
        'query: name at least one file, directory or pattern (or - for standard input), or --clickhouse URL',
      );
    if (target === null && (flags.hosts !== undefined || flags.hashKeyFile !== undefined))
      throw new PmtaAcctError('USAGE', '--hosts and --hash-key-file apply to query --clickhouse');
    const fields = parseList(flags.select);
    if (fields !== null) {
      if (flags.groupBy !== undefined)
        throw new PmtaAcctError('USAGE', '--select prints records and --group-by counts them: use one of them');
      if (flags.top !== undefined || flags.sort !== undefined || flags.maxGroups !== undefined)
        throw new PmtaAcctError('USAGE', '--top, --sort and --max-groups are about groups: with --select, use --limit');
      if (fields.length === 0) throw new PmtaAcctError('USAGE', `--select: name the fields to print (or ${ALL_COLUMNS})`);
    } else if (flags.limit !== undefined) {
      throw new PmtaAcctError('USAGE', '--limit applies to --select (for groups, use --top)');
    }
    const tz = checkTimeZone(flags.tz);
    const now = Math.floor(Date.now() / 1000);
    const range = parseRange(flags.since, flags.until, tz, now);
    const format: RecordFormat =
      flags.format ?? (stdoutIsTerminal() && flags.output === undefined ? 'table' : fields !== null ? 'ndjson' : 'json');
    const q: QueryOptions = {
      inputs,
      where: flags.where ?? null,
      since: range.since,
      until: range.until,
      tz,
      now,
      bucket: parseBucket(flags.bucket),
      maxGroups: parsePositiveInt(flags.maxGroups, '--max-groups') ?? DEFAULT_MAX_GROUPS,
      ...(await readingOf(flags)),
    };
    if (target !== null) await queryClickHouse(target, flags, q, format, fields, TABLE_LIMIT);
    else if (fields !== null) await select(flags, q, format, fields);
    else await aggregate(flags, q, format);
    onExit(EXIT_OK);
  });
}
