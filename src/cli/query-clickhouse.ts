/**
 * `query --clickhouse URL` (no files): the records `load` stored, with the same --where,
 * --group-by, --select, --since/--until, formats and exit codes as over files
 * (app/query/clickhouse-run.ts), plus --hosts.
 */
import { aggregateClickHouse, type ClickHouseQuery } from '../app/query/clickhouse-run.js';
import { selectClickHouse } from '../app/query/clickhouse-select.js';
import type { QueryOptions } from '../app/query/query-run.js';
import { loadRecipientKey, recipientHash } from '../clickhouse/recipient-hash.js';
import type { ClickHouseTarget } from '../clickhouse/target.js';
import { PmtaAcctError } from '../errors.js';
import { formatCount, shortTime } from '../render/format.js';
import { RecordRenderer, type RecordFormat } from '../render/records.js';
import type { ReportModel } from '../model/model.js';
import { parseList, parsePositiveInt } from './args.js';
import { streamOutput, toTerminal, writePieces } from './io.js';
import { renderQueryGroups } from './query-groups.js';

export interface ClickHouseQueryFlags {
  hosts?: string;
  hashKeyFile?: string;
  groupBy?: string;
  top?: string;
  sort?: string;
  limit?: string;
  output?: string;
  color?: boolean;
}

function headline(target: ClickHouseTarget, m: ReportModel): string {
  const i = m.input;
  const span =
    i.firstEvent !== null && i.lastEvent !== null
      ? `, events ${shortTime(i.firstEvent, m.range.tz)} to ${shortTime(i.lastEvent, m.range.tz)} ${m.range.tz}`
      : '';
  return `pmta-acct query: ClickHouse ${target.display}, ${formatCount(i.records)} records, ${formatCount(i.counted)} matching${span}`;
}

/** The recipient hash of the key file, when the expression needs one (rcpt = ...). */
function hasherOf(flags: ClickHouseQueryFlags, where: string | null): ((a: string) => string) | null {
  if (where === null || !/\brcpt\b/i.test(where)) return null;
  const key = loadRecipientKey(flags.hashKeyFile, false);
  return (a) => recipientHash(key, a);
}

export async function queryClickHouse(
  target: ClickHouseTarget,
  flags: ClickHouseQueryFlags,
  q: QueryOptions,
  format: RecordFormat,
  fields: string[] | null,
  tableLimit: number,
): Promise<void> {
  const hosts = parseList(flags.hosts);
  if (hosts !== null && hosts.length === 0) throw new PmtaAcctError('USAGE', '--hosts: name at least one host');
  const cq: ClickHouseQuery = {
    target,
    hosts,
    where: q.where,
    since: q.since,
    until: q.until,
    tz: q.tz,
    now: q.now,
    bucket: q.bucket,
    hashRecipient: hasherOf(flags, q.where),
  };
  if (fields !== null) {
    const out = streamOutput(flags.output);
    const limit = parsePositiveInt(flags.limit, '--limit') ?? (format === 'table' ? tableLimit : null);
    await selectClickHouse(cq, fields, limit, new RecordRenderer(format, toTerminal(flags.output)), (text) => out.write(text));
    await out.close();
    return;
  }
  const top = parsePositiveInt(flags.top, '--top') ?? null;
  const r = await aggregateClickHouse(cq, parseList(flags.groupBy) ?? [], format === 'table' ? (top ?? 20) : top, flags.sort ?? null);
  const m = r.model;
  const info = { where: q.where, sort: flags.sort ?? null, unmatched: r.unmatched, pruned: [] };
  writePieces(
    renderQueryGroups(m, info, { format, output: flags.output, color: flags.color, top, headline: headline(target, m) }),
    flags.output,
  );
}
