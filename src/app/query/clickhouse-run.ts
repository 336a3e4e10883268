/**
 * `query --clickhouse`: the same questions answered from the records `load` stored. The --where
 * plan is the one the file reader binds (where/plan.ts), compiled to SQL with its literals as rows
 * of a session's temporary table (clickhouse/where-sql.ts). Groups: ClickHouse aggregates the
 * rollup's counters and latency bins per group (and per time grain); the groups go into the one
 * Rollup and through buildModel, so renderers, --top, --sort and the JSON are those of the files
 * path. Records (--select): clickhouse-select.ts.
 */
import { randomBytes } from 'node:crypto';
import { resolveField, type FieldRef } from '../../classify/fields.js';
import { ClickHouse } from '../../clickhouse/connection.js';
import {
  COUNTER_SQL,
  HIST_SQL,
  UNKNOWN_TYPE_CODE,
  fieldSql,
  filterSql,
  fromRecords,
  grainOf,
  resolveFields,
  scopeSql,
  type Scope,
} from '../../clickhouse/records-sql.js';
import { PmtaAcctError } from '../../errors.js';
import type { ClickHouseTarget } from '../../clickhouse/target.js';
import { LITERALS, LITERALS_DDL, Literals } from '../../clickhouse/literals.js';
import { whereParts } from '../../clickhouse/where-sql.js';
import { HeaderIndex } from '../../clickhouse/header-index.js';
import type { HeaderRow } from '../../clickhouse/records-schema.js';
import { RECORDS_READ_SCHEMA, RECORDS_SCHEMA } from '../../clickhouse/schema.js';
import { requireStore } from '../../clickhouse/store-schema.js';
import { buildModel, storedInput, type ReportModel } from '../../model/model.js';
import { bucketSeconds, makeBucketing, type BucketSize } from '../../rollup/buckets.js';
import { NO_BUCKET, Rollup } from '../../rollup/rollup.js';
import { prepareFilter } from '../../where/plan.js';
import { canonicalFields } from './query-run.js';
import { parseSort } from './sort.js';

export interface ClickHouseQuery {
  readonly target: ClickHouseTarget;
  readonly hosts: readonly string[] | null;
  readonly where: string | null;
  readonly since: number | null;
  readonly until: number | null;
  readonly tz: string;
  readonly now: number;
  readonly bucket: BucketSize | null;
  /** The keyed hash of a recipient (for rcpt = ...), or null without a key. */
  readonly hashRecipient: ((address: string) => string) | null;
}

export interface Session {
  readonly ch: ClickHouse;
  readonly lits: Literals;
  readonly headers: HeaderIndex;
  /** The --where condition's cheap tests ('1' without --where), for PREWHERE with the scope. */
  readonly where: string;
  /** Its costly tests ('1' when none), for WHERE (filterSql). */
  readonly costly: string;
  readonly scope: Scope;
}

/** A session with the query's literals in its temporary table; the headers; the condition over them. */
export async function open(q: ClickHouseQuery): Promise<Session> {
  const lits = new Literals();
  const filter = q.where === null ? null : prepareFilter(q.where, { tz: q.tz, now: q.now });
  const ch = await ClickHouse.open(q.target, { session: `pmta-acct-${randomBytes(8).toString('hex')}` });
  try {
    const schema = await requireStore(ch, RECORDS_READ_SCHEMA);
    const headers = new HeaderIndex(await ch.select<HeaderRow>(HeaderIndex.sql(q.target.database)));
    const parts = filter === null ? { cheap: '1', costly: '1' } : whereParts({ filter, lits, headers, hashRecipient: q.hashRecipient });
    const scope: Scope = { database: q.target.database, hosts: q.hosts, since: q.since, until: q.until, final: schema < RECORDS_SCHEMA };
    // The SQL holds no value of the user's: `rcpt` (not rcpt_hash) in it is a test of the address in clear.
    if (/\brcpt\b/.test(`${parts.cheap} ${parts.costly}`)) await requireClearRecipients(ch, scope);
    return { ch, lits, headers, where: parts.cheap, costly: parts.costly, scope };
  } catch (err) {
    await ch.close();
    throw err;
  }
}

/**
 * A test of rcpt other than `=` and `in` (a regex, like, !=...) reads the address kept in clear,
 * which `load` stores only with --store-addresses: over hosts loaded without it such a test matched
 * nothing, and the answer said 0 records where the files have thousands. Refused instead, naming them.
 */
async function requireClearRecipients(ch: ClickHouse, scope: Scope): Promise<void> {
  const rows = await ch.select<{ host: string }>(
    `SELECT host FROM ${fromRecords(scope)} WHERE ${scopeSql(scope)} GROUP BY host HAVING max(rcpt != '') = 0 ORDER BY host LIMIT 6`,
  );
  if (rows.length === 0) return;
  const list = `${rows
    .slice(0, 5)
    .map((r) => r.host)
    .join(', ')}${rows.length > 5 ? ' and more' : ''}`;
  const who = rows.length > 1 ? `hosts ${list} were` : `host ${list} was`;
  throw new PmtaAcctError(
    'USAGE',
    `--where: rcpt is tested other than by = or in, which over ClickHouse reads the recipient addresses kept in clear, and ${who} loaded without --store-addresses: only rcpt = 'address' and rcpt in (...) find their records (by keyed hash); test domain instead, or load them again with --store-addresses`,
  );
}

/** The literals not sent yet (the table is made with the first of them; none, no request). */
export async function sendLiterals(ch: ClickHouse, lits: Literals): Promise<void> {
  const made = lits.sent > 0;
  const rows = lits.unsent();
  if (rows.length === 0) return;
  if (!made) await ch.command(LITERALS_DDL);
  await ch.insert(LITERALS, rows);
}

export interface ClickHouseAggregate {
  readonly model: ReportModel;
  readonly unmatched: number;
}

/** A row of the answer: a group of matching records, all records of known types, or of an unknown type. */
interface GroupRow {
  /** CLS_MATCHED, CLS_ALL_KNOWN or CLS_UNKNOWN. */
  readonly cls: number;
  /** The group's key (matched), [type] (unknown), [] (all known). */
  readonly k: string[];
  readonly t: number;
  readonly timed: number;
  readonly n: number;
  readonly first: number;
  readonly last: number;
  readonly c: number[];
  readonly h: [number[], number[]];
}

const CLS_MATCHED = 0;
const CLS_ALL_KNOWN = 1;
const CLS_UNKNOWN = 2;

export async function aggregateClickHouse(
  q: ClickHouseQuery,
  groupBy: readonly string[],
  top: number | null,
  sort: string | null,
): Promise<ClickHouseAggregate> {
  resolveFields(groupBy, '--group-by');
  const fields = canonicalFields(groupBy);
  const dims = fields.filter((f) => f !== 'bucket');
  const bucket = q.bucket ?? (fields.includes('bucket') ? '1h' : null);
  const order = sort === null ? undefined : parseSort(sort, fields);
  const { ch, lits, headers, where, costly, scope } = await open(q);
  try {
    const refs = dims.map((d) => resolveField(d) as FieldRef);
    const keys = refs.map((r) => `toString(${fieldSql(r, lits, headers, false)})`);
    const grain = bucket === null ? 0 : grainOf(bucketSeconds(bucket));
    // One request: the matching records grouped by key and grain (the condition in WHERE: over a
    // Distributed table 18.16 refuses the literals' scalar subqueries in a SELECT list), and every
    // record in scope counted by known/unknown type, which gives the unmatched and unknown figures
    // (the known ones counted apart: only the unknown ones need the type's text, 40% less time).
    const n = COUNTER_SQL.length;
    const zero = `0 AS t, toUInt8(0) AS timed, count() AS n, toUInt32(0) AS first, toUInt32(0) AS last,
      arrayResize([toFloat64(0)], ${n}) AS c, (emptyArrayInt16(), emptyArrayUInt64()) AS h`;
    const sql = `SELECT ${CLS_MATCHED} AS cls, [${keys.join(', ')}] AS k,
      ${grain === 0 ? '0' : `intDiv(time, ${grain}) * ${grain}`} AS t, timed, count() AS n, min(time) AS first, max(time) AS last,
      [${COUNTER_SQL.map((c) => `toFloat64(${c})`).join(', ')}] AS c, ${HIST_SQL} AS h
      FROM ${fromRecords(scope)} ${filterSql(scope, `${scopeSql(scope)} AND type_code != ${UNKNOWN_TYPE_CODE} AND (${where})`, costly)} GROUP BY k, t, timed
      UNION ALL
      SELECT ${CLS_ALL_KNOWN} AS cls, emptyArrayString() AS k, ${zero}
      FROM ${fromRecords(scope)} WHERE ${scopeSql(scope)} AND type_code != ${UNKNOWN_TYPE_CODE}
      UNION ALL
      SELECT ${CLS_UNKNOWN} AS cls, [type] AS k, ${zero}
      FROM ${fromRecords(scope)} WHERE ${scopeSql(scope)} AND type_code = ${UNKNOWN_TYPE_CODE} GROUP BY k`;
    await sendLiterals(ch, lits);
    const rows = await ch.select<GroupRow>(sql);
    const rollup = new Rollup(dims);
    const bucketing = bucket === null ? null : makeBucketing(bucket, q.tz);
    const stats = { records: 0, counted: 0, unmatched: 0, timed: 0, first: Infinity, last: -Infinity };
    const unknownTypes: Record<string, number> = {};
    let known = 0;
    for (const row of rows) {
      if (row.cls === CLS_ALL_KNOWN) known += row.n;
      if (row.cls === CLS_UNKNOWN) unknownTypes[row.k[0]] = (unknownTypes[row.k[0]] ?? 0) + row.n;
      if (row.cls !== CLS_MATCHED) continue;
      stats.counted += row.n;
      if (row.timed === 1) {
        stats.timed += row.n;
        stats.first = Math.min(stats.first, row.first);
        stats.last = Math.max(stats.last, row.last);
      }
      rollup.key[0] = rollup.bucketId(bucketing === null || row.timed === 0 ? NO_BUCKET : bucketing.start(row.t));
      row.k.forEach((v, d) => {
        rollup.key[d + 1] = rollup.dicts[d].id(v);
      });
      const g = rollup.group();
      rollup.addCounts(g, row.c, 0);
      const [bins, counts] = row.h;
      if (bins.length > 0) {
        const base = rollup.histBase(g);
        bins.forEach((b, i) => {
          rollup.hist[base + b] += counts[i];
        });
      }
    }
    stats.records = known + Object.values(unknownTypes).reduce((a, b) => a + b, 0);
    stats.unmatched = known - stats.counted;
    const timed = stats.timed > 0;
    const model = buildModel(
      storedInput(rollup, {
        records: stats.records,
        counted: stats.counted,
        filtered: 0,
        untimed: 0,
        unknownTypes,
        firstEvent: timed ? stats.first : null,
        lastEvent: timed ? stats.last : null,
      }),
      { by: dims, bucket, since: q.since, until: q.until, tz: q.tz, top, order },
    );
    return { model, unmatched: stats.unmatched };
  } finally {
    await ch.close();
  }
}
