/**
 * The SQL `query --clickhouse` sends to the records table: the scope (hosts and the event-time
 * range: checked labels and integers, which prune partitions and the sort key), the --where
 * condition (where-sql.ts, literals as data), the group expressions and the counters of the one
 * rollup (rollup/counters.ts) computed per group, with the latency histogram as sumMap of the bins
 * `load` stored. A store at schema 4 holds each record once (records-schema.ts), read as it is;
 * one at schema 3, loaded by an earlier pmta-acct and not yet migrated, is read with FINAL.
 */
import { resolveField, type FieldRef } from '../classify/fields.js';
import { TYPE_B, TYPE_D, TYPE_F, TYPE_R, TYPE_RB, TYPE_RS, TYPE_T, TYPE_TQ } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import { RECORDS_TABLE } from './records-schema.js';
import { checkIdentifier, sqlInt, sqlLabels } from './sql.js';
import type { HeaderIndex } from './header-index.js';
import type { Literals } from './literals.js';

export interface Scope {
  readonly database: string;
  readonly hosts: readonly string[] | null;
  readonly since: number | null;
  readonly until: number | null;
  /** Read with FINAL (a store not migrated to schema 4 may hold a record twice). */
  readonly final: boolean;
}

/** Type codes as `load` stored them (classify/record-type.ts; 255: unknown). */
export const UNKNOWN_TYPE_CODE = 255;

export function fromRecords(scope: Scope): string {
  return `${checkIdentifier(scope.database, 'database')}.${RECORDS_TABLE}${scope.final ? ' FINAL' : ''}`;
}

/**
 * A condition as the clauses that filter with it: `cond` (the scope and the cheap tests) in
 * PREWHERE on a store read as it is (its columns are read for every row in range, the rest, group
 * keys, counters, wide cells, only for the granules where it matched: 40% less time for
 * `--group-by diag` at 1 M rows), `costly` (where-sql.ts whereParts: regexes, wide cells) in WHERE,
 * run on the rows PREWHERE kept; both in WHERE under FINAL (PREWHERE would filter the copies of a
 * record before FINAL chose among them).
 */
export function filterSql(scope: Scope, cond: string, costly = '1'): string {
  if (scope.final) return `WHERE ${cond}${costly === '1' ? '' : ` AND ${costly}`}`;
  return `PREWHERE ${cond}${costly === '1' ? '' : ` WHERE ${costly}`}`;
}

/** The scope as a condition: hosts, and the range (which leaves records without a time out). */
export function scopeSql(scope: Scope): string {
  const parts = ['1'];
  if (scope.hosts !== null) parts.push(`host IN (${sqlLabels(scope.hosts, '--hosts')})`);
  if (scope.since !== null) parts.push(`timed = 1 AND time >= ${sqlInt(Math.max(0, Math.ceil(scope.since)))}`);
  if (scope.until !== null) parts.push(`timed = 1 AND time < ${sqlInt(Math.max(0, Math.ceil(scope.until)))}`);
  return parts.join(' AND ');
}

/**
 * Header columns `load` also keeps as typed columns holding the same text (the classifier's cell,
 * decoded as the reader decodes it): read there, not from the arrays (ten times faster in 18.16).
 */
export const TYPED_COLUMN: Readonly<Record<string, string>> = {
  dsndiag: 'dsn_diag',
  dsnstatus: 'dsn_status',
  vmta: 'vmta',
  vmtapool: 'pool',
  bouncecat: 'bounce_cat',
  rcpt: 'rcpt',
};

/** A header column's text: its typed twin when it has one, else from the row's cells. */
export function columnSql(column: string, lits: Literals, headers: HeaderIndex): string {
  return TYPED_COLUMN[column] ?? headers.cell(column, lits);
}

/** Over ClickHouse, `host` names the host the records were loaded for (load --host). */
export const HOST_FIELD = 'host';

/** Typed columns of the derived fields (the rest are header columns). */
const TYPED: Readonly<Record<string, string>> = {
  isp: 'isp',
  ip: 'ip',
  vmta: 'vmta',
  pool: 'pool',
  job: 'job',
  domain: 'domain',
  bounceCat: 'bounce_cat',
  type: 'type',
  outcome: 'outcome',
  diag: 'diag',
};

/**
 * A field's value as the rollup keys it (a string), or as --select prints it when `cell`: hard as
 * a boolean and latency as a number (null without one) there.
 */
export function fieldSql(ref: FieldRef, lits: Literals, headers: HeaderIndex, cell: boolean): string {
  if (ref.bucket) throw new PmtaAcctError('INTERNAL', 'bucket is computed from time');
  const typed = TYPED[ref.name];
  if (typed !== undefined && ref.derived >= 0) return typed;
  if (ref.name === 'hard') return cell ? 'hard' : "if(hard = 1, 'true', 'false')";
  if (ref.name === 'latency') return cell ? 'latency' : "if(latency < 0, '', toString(latency))";
  if (ref.column === HOST_FIELD) return 'host';
  return columnSql(ref.column, lits, headers);
}

export function resolveFields(names: readonly string[], option: string): FieldRef[] {
  return names.map((n) => {
    const ref = resolveField(n);
    if (ref === null) throw new PmtaAcctError('USAGE', `${option}: '${n}' is not a field name`);
    return ref;
  });
}

/** The counters of rollup/counters.ts, in their order, per group. */
export const COUNTER_SQL: readonly string[] = [
  `countIf(type_code = ${TYPE_D})`,
  `countIf(type_code = ${TYPE_T})`,
  `countIf(type_code = ${TYPE_TQ})`,
  `countIf(type_code = ${TYPE_B})`,
  `countIf(type_code = ${TYPE_B} AND hard = 1)`,
  `countIf(type_code = ${TYPE_B} AND hard = 0)`,
  `countIf(type_code = ${TYPE_F})`,
  `countIf(type_code = ${TYPE_RB})`,
  `countIf(type_code = ${TYPE_RS})`,
  `countIf(type_code = ${TYPE_R})`,
  `sumIf(size, type_code = ${TYPE_D})`,
];

export const HIST_SQL = `sumMapIf([latency_bin], [toUInt64(1)], type_code = ${TYPE_D} AND latency_bin >= 0)`;

/**
 * Seconds of the time grain the SQL groups by for a bucket of `seconds`: whole buckets up to 15
 * minutes, 15 minutes above (every zone's offset is a multiple of 15 minutes, so each grain lies in
 * one local hour or day); the exact bucket is then taken in JavaScript by the same Bucketing.
 */
export function grainOf(seconds: number): number {
  return Math.min(seconds, 900);
}
