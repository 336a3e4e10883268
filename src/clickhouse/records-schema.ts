/**
 * The archived records in ClickHouse (`load` writes them, `query --clickhouse` reads them), made by
 * `clickhouse init`'s numbered migrations 2 and 3 (schema.ts):
 *
 * - `records`: one row per accounting record. Typed columns for what the engine derives (the same
 *   classifier as report and query: type, event time in UTC, isp, sending IP, vmta, pool, job,
 *   recipient domain, bounce category, hard/soft, outcome, latency and its histogram bin, size,
 *   dsnStatus, dsnDiag and its masked template), the recipient as domain + keyed hash (the
 *   address itself only with --store-addresses), the id of the record's header (`header_id`, the
 *   header itself is in `record_headers`) and the header's cells as `col_values`, in the header's
 *   order: '' for the columns that have a typed twin (records-sql.ts TYPED_COLUMN: dsnDiag is the
 *   longest cell) and for rcpt. The header's time columns (names starting with `time`) are also
 *   kept parsed, as `time_values` in the order of those columns (NO_TIME where a cell does not
 *   parse), so that `timeQueued > ...` compares instants as the file reader does.
 * - `record_headers`: per header id (the first 16 hex digits of the SHA-256 of the header's names
 *   joined by newlines) the names as written. A header is stored once, not once per row: the name
 *   arrays per row were three times the bytes of the CSV (migration 3).
 * - `load_ledger`: per (host, file fingerprint) how many bytes of the file's content are loaded.
 *
 * Rows written before migration 3 carry the header per row (`col_names`, `col_keys`, `time_keys`
 * with `time_values` holding only the times that parsed) and an empty header_id: records-sql.ts
 * reads both layouts (a row's layout is told by `empty(col_keys)`), so a store loaded before
 * needs no rewrite.
 *
 * Exactly once without insert deduplication (18.16 has none outside ZooKeeper), and without FINAL
 * on reads: a record's key is (host, file fingerprint, byte offset of the record in the file's
 * content), fixed by the content, and `load` (app/load/load.ts) inserts a key at most once: one
 * load per host at a time, a batch announced in the ledger before its insert ("begun") and
 * committed after it, and a re-run after a kill inserts only the offsets of the begun batch the
 * store does not hold. Ledger `version`: 2 x bytes for a committed row, 2 x end - 1 for a begun
 * batch [bytes, end); so the newest row per file tells which (version > 2 x max(bytes): begun).
 * `records` is still a ReplacingMergeTree whose sort key ends with that key: a store loaded before
 * schema 4 may hold a record twice (the earlier load re-inserted a batch after a kill and relied
 * on FINAL); migration 4 (recordsOnceStatements) merges those away once and marks every file it
 * holds as begun, so the next load of one checks what is stored before inserting. Reads of a store
 * at schema 3 say FINAL; from 4 on they do not.
 *
 * PARTITION BY day (UTC) of the event time, ORDER BY (host, time, file, offset): --hosts and
 * --since/--until prune partitions and granules; the sort key holds only content-fixed values
 * (isp and hard depend on the ISP map and hard categories of the loading host, so they cannot be in
 * a key that deduplicates). Records without an event time sit at time 0 (1970-01-01) with
 * `timed = 0`.
 */
import type * as Crypto from 'node:crypto';
import { lazyRequire } from '../util/lazy-require.js';

/** Loaded on first use: every report initialises this module (through the fleet options) and never hashes. */
const crypto = lazyRequire<typeof Crypto>('node:crypto');

export const RECORDS_TABLE = 'records';
export const LEDGER_TABLE = 'load_ledger';
export const HEADERS_TABLE = 'record_headers';

/** A time cell that did not parse, in `time_values` (epoch seconds never reach it). */
export const NO_TIME = -(2 ** 53 - 1);

/** The columns `load` inserts, in the order of its TabSeparated rows. */
export const RECORD_COLUMNS = [
  'host',
  'file_id',
  'offset',
  'line',
  'time',
  'timed',
  'type',
  'type_code',
  'isp',
  'ip',
  'vmta',
  'pool',
  'job',
  'domain',
  'bounce_cat',
  'outcome',
  'hard',
  'latency',
  'latency_bin',
  'size',
  'dsn_status',
  'dsn_diag',
  'diag',
  'rcpt_hash',
  'rcpt',
  'header_id',
  'col_values',
  'time_values',
] as const;

export interface LedgerRow {
  host: string;
  file_id: string;
  bytes: number;
  records: number;
  key_id: string;
  path: string;
  version: number;
}

export interface HeaderRow {
  header_id: string;
  names: string[];
}

/** A header id: what `record_headers` is keyed by. */
export function headerIdOf(names: readonly string[]): string {
  return crypto().createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 16);
}

/** Whether `s` has the form of a header id (checked before it is written into SQL text). */
export function isHeaderId(s: string): boolean {
  return /^[0-9a-f]{16}$/.test(s);
}

/** The lower-case keys of a header's names (what --where and --select look up). */
export function keysOf(names: readonly string[]): string[] {
  return names.map((n) => n.toLowerCase());
}

/** Indexes (0-based) of a header's time columns: keys starting with `time`, first of each name. */
export function timeColumnsOf(keys: readonly string[]): number[] {
  return keys.flatMap((k, i) => (k.startsWith('time') && keys.indexOf(k) === i ? [i] : []));
}

/** The CREATE statements of the records tables (migration 2: the layout before headers were split out). */
export function recordTableStatements(db: string, records: string, ledger: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${records} (
      host String, file_id String, offset UInt64, line UInt64,
      time UInt32, timed UInt8, type String, type_code UInt8,
      isp String, ip String, vmta String, pool String, job String, domain String, bounce_cat String,
      outcome String, hard UInt8, latency Float64, latency_bin Int16, size UInt64,
      dsn_status String, dsn_diag String, diag String, rcpt_hash String, rcpt String,
      col_names Array(String), col_keys Array(String), col_values Array(String),
      time_keys Array(String), time_values Array(Int64))
      ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(toDateTime(time, 'UTC'))
      ORDER BY (host, time, file_id, offset)`,
    `CREATE TABLE IF NOT EXISTS ${db}.${ledger} (
      host String, file_id String, bytes UInt64, records UInt64, key_id String, path String, version UInt64)
      ENGINE = ReplacingMergeTree(version) ORDER BY (host, file_id)`,
  ];
}

/**
 * Migration 4: a store loaded by an earlier pmta-acct holds each record once. OPTIMIZE ... FINAL
 * merges every partition into one part, collapsing a record stored twice (run with
 * optimize_throw_if_noop, so a merge that cannot run fails init rather than leaving duplicates);
 * then every (host, file) with records gets a begun ledger row at its committed bytes (0 without
 * one): an earlier load killed after an insert and before its ledger row left records past the
 * ledger, which the next load must find and not insert again.
 */
export function recordsOnceStatements(db: string, records: string, ledger: string): string[] {
  return [
    `OPTIMIZE TABLE ${db}.${records} FINAL`,
    `INSERT INTO ${db}.${ledger} (host, file_id, bytes, records, key_id, path, version)
      SELECT host, file_id, bytes, records, key_id, path, bytes * 2 + 1
      FROM (SELECT DISTINCT host, file_id FROM ${db}.${records})
      ANY LEFT JOIN (SELECT host, file_id, max(bytes) AS bytes, max(records) AS records, any(key_id) AS key_id, any(path) AS path
        FROM ${db}.${ledger} GROUP BY host, file_id) USING host, file_id`,
  ];
}

/** Migration 3: the headers table. */
export function headersTableStatement(db: string, headers: string): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${headers} (header_id String, names Array(String)) ENGINE = ReplacingMergeTree() ORDER BY header_id`;
}
