/**
 * `query --clickhouse --select`: the matching records in event-time order (then host, file,
 * offset), up to --limit, through the RecordRenderer of the files path.
 *
 * A page costs what it holds, not the range: the range is walked in time slices (the first as
 * wide as a page of records at the range's mean density, the next ones sized from the matches the
 * last one held: firstSlice, nextSlice), each asked for its matching records in order, with their
 * fields, and the limit pushed down (host and time prune partitions and granules; the cheap tests
 * run in PREWHERE, so the wide cells, dsnDiag and the header's cells, are read for the granules
 * holding matches only). With --limit N the walk stops at N + 1 records (the one more says whether
 * the answer was cut); nothing counts the matches of the whole range. Records without an event
 * time come last, as one slice. The store holds each record once (records-schema.ts), so no slice
 * needs FINAL unless the store predates schema 4.
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
  /** The offset (a UInt64) as text: named apart from the column, which ORDER BY must sort as a number. */
  readonly _o: string;
  readonly time: number;
}

/** A record's key, and the selected fields (`f0`, `f1`, ...) unless only the key was asked for. */
type Row = RowKey & Readonly<Record<string, unknown>>;

/** The narrowest time slice, in seconds. */
const MIN_SLICE = 60;
/** How much wider a slice may be than the one before. */
const MAX_GROWTH = 16;

/**
 * A condition for these records: host and time (the sort key's head, so the index keeps only the
 * granules holding them) and the full key. Every value came from the table and is checked again
 * (labels, integers) before it is written into the text.
 */
function keysSql(keys: readonly RowKey[]): string {
  const hosts = [...new Set(keys.map((k) => k.host))];
  const times = [...new Set(keys.map((k) => k.time))];
  const tuples = keys.map((k) => {
    if (!/^\d{1,20}$/.test(k._o)) throw new PmtaAcctError('INTERNAL', `offset ${k._o} is not a number`);
    return `(${sqlLabel(k.host, 'host')}, ${sqlLabel(k.file_id, 'file id')}, ${k._o})`;
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
 * The slices' widths. The first holds `want` records at the span's mean density (what a condition
 * every record meets needs; a narrower one could not hold the page); each next one is sized from
 * the matches the last one held (25% more than their density says the rest needs), at least twice
 * and at most 16 times as wide (as wide when it held a page or more): a rare match (one recipient in a week) takes a few slices, not one
 * per doubling from an hour.
 */
export function firstSlice(span: Span, want: number): number {
  const range = span.hi - span.lo + 1;
  return Math.max(MIN_SLICE, Math.ceil((range * Math.min(want, span.dated)) / Math.max(1, span.dated)));
}

export function nextSlice(width: number, found: number, left: number): number {
  if (found >= left) return width;
  const growth = found === 0 ? MAX_GROWTH : Math.min(MAX_GROWTH, Math.max(2, (1.25 * left) / found));
  return Math.ceil(width * growth);
}

/**
 * The matching records in order, in pages of about `page` (at most twice), `want` in all (null: every one), as
 * `columns` (the key, and the selected fields). `from`, `filter` and
 * `cond`: the table, its filter clause (filterSql) and the condition (scope and --where).
 */
async function* rowPages(
  ch: ClickHouse,
  from: string,
  filter: (cond: string) => string,
  span: Span,
  cond: string,
  want: number | null,
  page: number,
  columns: string,
): AsyncGenerator<Row[]> {
  let left = want ?? Infinity;
  const order = 'ORDER BY time, host, file_id, offset';
  // rows gathered across slices up to a page: a slice that held a few costs no fetch of its own
  let held: Row[] = [];
  /** Rows of one slice, a page at a time; returns how many it held. */
  async function* slice(where: string): AsyncGenerator<Row[], number> {
    let found = 0;
    while (left > 0) {
      const n = Math.min(page, left);
      const rows = await ch.select<Row>(`SELECT ${columns} FROM ${from} ${filter(`${cond} AND ${where}`)} ${order} LIMIT ${found}, ${n}`);
      held = held.concat(rows);
      if (held.length >= page) {
        yield held;
        held = [];
      }
      found += rows.length;
      left -= rows.length;
      if (rows.length < n) break;
    }
    return found;
  }
  if (span.dated > 0) {
    let width = firstSlice(span, Math.min(page, left));
    for (let at = span.lo; at <= span.hi && left > 0;) {
      const found = yield* slice(`timed = 1 AND time >= ${sqlInt(at)} AND time < ${sqlInt(at + width)}`);
      at += width;
      width = nextSlice(width, found, Math.min(page, left));
    }
  }
  if (left > 0) yield* slice('timed = 0');
  if (held.length > 0) yield held;
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
  const { ch, lits, headers, where, costly, scope } = await open(q);
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
    const walk = (columns: string, want: number | null) =>
      rowPages(ch, from, (cond) => filterSql(scope, cond, costly), span, `${inScope} AND (${where})`, want, page, columns);
    const keyColumns = 'host, file_id, toString(offset) AS _o, time';
    let names = [...select];
    if (names.length === 1 && names[0] === '*') {
      // `*`: the columns of the first matching record's header
      const head = await walk(keyColumns, 1).next();
      const first = head.done === true ? undefined : head.value[0];
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
    // the records come with their fields: the costly tests and the wide cells are computed for the
    // matches of each slice only (a slice holds about a page), in one request
    let matched = 0;
    let found = 0;
    for await (const rows of walk(`${exprs.join(', ') || '1 AS f'}, ${keyColumns}`, limit === null ? null : limit + 1)) {
      found += rows.length;
      const shown = limit === null ? rows : rows.slice(0, Math.max(0, limit - matched));
      if (shown.length > 0) await write(shown.map((row) => renderer.row(refs.map((r, i) => cellOf(r, row[`f${i}`])))).join(''));
      matched += shown.length;
    }
    const limited = limit !== null && found > limit;
    await write(renderer.end({ where: q.where, files: 0, pruned: 0, records, matched, limited, limit, badRecords: 0, problems: [] }));
    return { records, matched, limited };
  } finally {
    await ch.close();
  }
}
