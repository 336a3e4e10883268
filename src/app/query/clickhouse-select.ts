/**
 * `query --clickhouse --select`: the matching records in event-time order (then host, file,
 * offset), up to --limit, through the RecordRenderer of the files path.
 *
 * A page costs what it holds, not the range: the range is walked in time slices (an hour first,
 * twice as long after each slice that held less than a page), each asked for the keys of its
 * matching records in order with the limit pushed down (host and time prune partitions and
 * granules), then the selected fields of those keys only (the wide cells: dsnDiag, the header's
 * cells). With --limit N the walk stops at N + 1 keys (the one more says whether the answer was
 * cut); nothing counts the matches of the whole range. Records without an event time come last,
 * as one slice. The store holds each record once (records-schema.ts), so no slice needs FINAL
 * unless the store predates schema 4.
 */
import { resolveField, type FieldRef } from '../../classify/fields.js';
import type { ClickHouse } from '../../clickhouse/connection.js';
import { fieldSql, filterSql, fromRecords, resolveFields, scopeSql } from '../../clickhouse/records-sql.js';
import { sqlInt, sqlLabel, sqlLabels } from '../../clickhouse/sql.js';
import { PmtaAcctError } from '../../errors.js';
import { isoTime } from '../../render/format.js';
import type { Cell, RecordRenderer } from '../../render/records.js';
import { makeBucketing } from '../../rollup/buckets.js';
import { open, sendLiterals, type ClickHouseQuery } from './clickhouse-run.js';

interface RowKey {
  readonly host: string;
  readonly file_id: string;
  /** A UInt64, as text. */
  readonly offset: string;
  readonly time: number;
}

/** Records fetched by key per request (their keys are written into the SQL text). */
const FETCH = 1000;
/** The first time slice, in seconds. */
const FIRST_SLICE = 3600;

/**
 * A condition for these records: host and time (the sort key's head, so the index keeps only the
 * granules holding them) and the full key. Every value came from the table and is checked again
 * (labels, integers) before it is written into the text.
 */
function keysSql(keys: readonly RowKey[]): string {
  const hosts = [...new Set(keys.map((k) => k.host))];
  const times = [...new Set(keys.map((k) => k.time))];
  const tuples = keys.map((k) => {
    if (!/^\d{1,20}$/.test(k.offset)) throw new PmtaAcctError('INTERNAL', `offset ${k.offset} is not a number`);
    return `(${sqlLabel(k.host, 'host')}, ${sqlLabel(k.file_id, 'file id')}, ${k.offset})`;
  });
  return `host IN (${sqlLabels(hosts, 'host')}) AND time IN (${times.map(sqlInt).join(', ')}) AND (host, file_id, offset) IN (${tuples.join(', ')})`;
}

/** The records in scope: how many, how many with an event time, and the span of those times. */
interface Span {
  readonly n: number;
  /** With an event time (an alias named as the column would shadow it in 18.16). */
  readonly dated: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * The keys of the matching records in order, in pages of at most `page`, `want` in all (null:
 * every one). `from`, `filter` and `cond`: the table, its filter clause (filterSql) and the
 * condition (scope and --where).
 */
async function* keyPages(
  ch: ClickHouse,
  from: string,
  filter: (cond: string) => string,
  span: Span,
  cond: string,
  want: number | null,
  page: number,
): AsyncGenerator<RowKey[]> {
  let left = want ?? Infinity;
  const order = 'ORDER BY time, host, file_id, offset';
  /** Pages of one slice; returns how many keys it held. */
  async function* slice(where: string): AsyncGenerator<RowKey[], number> {
    let found = 0;
    while (left > 0) {
      const n = Math.min(page, left);
      const keys = await ch.select<RowKey>(
        `SELECT host, file_id, toString(offset) AS offset, time FROM ${from} ${filter(`${cond} AND ${where}`)} ${order} LIMIT ${found}, ${n}`,
      );
      if (keys.length > 0) yield keys;
      found += keys.length;
      left -= keys.length;
      if (keys.length < n) break;
    }
    return found;
  }
  if (span.dated > 0) {
    let width = FIRST_SLICE;
    for (let at = span.lo; at <= span.hi && left > 0;) {
      const found = yield* slice(`timed = 1 AND time >= ${sqlInt(at)} AND time < ${sqlInt(at + width)}`);
      at += width;
      if (found < page) width *= 2;
    }
  }
  if (left > 0) yield* slice('timed = 0');
}

export interface ClickHouseSelect {
  readonly records: number;
  readonly matched: number;
  readonly limited: boolean;
}

/**
 * The matching records, rendered; `*` is every column of the first matching record's header.
 * Keys are fetched in pages of `page`, so memory stays bounded without --limit.
 */
export async function selectClickHouse(
  q: ClickHouseQuery,
  select: readonly string[],
  limit: number | null,
  renderer: RecordRenderer,
  write: (text: string) => Promise<void>,
  page = 10_000,
): Promise<ClickHouseSelect> {
  const { ch, lits, headers, where, scope } = await open(q);
  try {
    const from = fromRecords(scope);
    const inScope = scopeSql(scope);
    await sendLiterals(ch, lits);
    // the records in scope and their time span (key columns only, one request); the matches are
    // not counted: --limit N fetches N + 1 keys
    const span = (
      await ch.select<Span>(
        `SELECT count() AS n, countIf(timed = 1) AS dated, minIf(time, timed = 1) AS lo, maxIf(time, timed = 1) AS hi FROM ${from} WHERE ${inScope}`,
      )
    )[0] ?? { n: 0, dated: 0, lo: 0, hi: 0 };
    const records = span.n;
    const filter = (cond: string) => filterSql(scope, cond);
    const pages = keyPages(ch, from, filter, span, `${inScope} AND (${where})`, limit === null ? null : limit + 1, page);
    let next = await pages.next();
    let names = [...select];
    if (names.length === 1 && names[0] === '*') {
      const first = next.done === true ? undefined : next.value[0];
      const row =
        first === undefined
          ? undefined
          : (
              await ch.select<{ col_names: string[]; header_id: string }>(
                `SELECT col_names, header_id FROM ${from} WHERE ${keysSql([first])}`,
              )
            )[0];
      const all = row === undefined ? [] : row.col_names.length > 0 ? row.col_names : headers.names(row.header_id);
      names = all.filter((n) => resolveField(n) !== null);
    }
    const refs = resolveFields(names, '--select');
    const bucketing = makeBucketing(q.bucket ?? '1h', q.tz);
    const exprs = refs.map((r, i) =>
      r.bucket ? `if(timed = 1, toFloat64(time), -1) AS f${i}` : `${fieldSql(r, lits, headers, true)} AS f${i}`,
    );
    await sendLiterals(ch, lits);
    await write(
      renderer.begin(
        refs.map((r) => r.name),
        q.where,
      ),
    );
    const cellOf = (r: FieldRef, v: unknown): Cell => {
      if (r.bucket) return typeof v === 'number' && v >= 0 ? isoTime(bucketing.start(v), q.tz) : null;
      if (r.name === 'hard') return v === 1;
      if (r.name === 'latency') return typeof v === 'number' && v >= 0 ? v : null;
      return typeof v === 'number' || typeof v === 'string' ? v : null;
    };
    let matched = 0;
    for (; next.done !== true; next = await pages.next()) {
      const keys = limit === null ? next.value : next.value.slice(0, Math.max(0, limit - matched));
      let text = '';
      for (let k = 0; k < keys.length; k += FETCH) {
        const some = keys.slice(k, k + FETCH);
        const rows = await ch.select<Record<string, unknown>>(
          `SELECT ${exprs.join(', ') || '1 AS f'}, host AS _h, file_id AS _f, toString(offset) AS _o FROM ${from} WHERE ${keysSql(some)}`,
        );
        const byKey = new Map(rows.map((row) => [`${String(row._h)}\t${String(row._f)}\t${String(row._o)}`, row]));
        for (const key of some) {
          const row = byKey.get(`${key.host}\t${key.file_id}\t${key.offset}`);
          if (row !== undefined) text += renderer.row(refs.map((r, i) => cellOf(r, row[`f${i}`])));
        }
      }
      if (text !== '') await write(text);
      matched += keys.length;
      if (keys.length < next.value.length) break;
    }
    const limited = limit !== null && matched >= limit && next.done !== true;
    await write(renderer.end({ where: q.where, files: 0, pruned: 0, records, matched, limited, limit, badRecords: 0, problems: [] }));
    return { records, matched, limited };
  } finally {
    await ch.close();
  }
}
