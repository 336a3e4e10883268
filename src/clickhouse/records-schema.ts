/**
 * The archived records in ClickHouse (`load` writes them, `query --clickhouse` reads them):
 *
 * - `records`: one row per accounting record. Typed columns for what the engine derives (the same
 *   classifier as report and query: type, event time in UTC, isp, sending IP, vmta, pool, job,
 *   recipient domain, bounce category, hard/soft, outcome, latency and its histogram bin, size,
 *   dsnStatus, dsnDiag and its masked template), the recipient as domain + keyed hash (the
 *   address itself only with --store-addresses), and every other header column kept as two
 *   parallel arrays: `col_keys` (lower-case names, what --where and --select look up) and
 *   `col_values` (the decoded cell text). Arrays, not a Map (experimental after 18.16) and not a
 *   JSON string (18.16's JSON functions are slow and lossy on escapes); `col_names` keeps the
 *   header's own spelling for `--select '*'`. Time columns (names starting with `time`) are also
 *   kept parsed, as `time_keys`/`time_values`, so that `timeQueued > ...` compares instants as the
 *   file reader does.
 * - `load_ledger`: per (host, file fingerprint) how many bytes of the file's content are loaded.
 *
 * Exactly once without insert deduplication (18.16 has none outside ZooKeeper): a record's key is
 * (host, file fingerprint, byte offset of the record in the file's content), fixed by the content;
 * `records` is a ReplacingMergeTree whose sort key ends with that key, and every read says FINAL.
 * A batch inserted again after a kill (before its ledger row) collapses into the rows already
 * there. The ledger row follows the batch, so the ledger never claims what is not stored.
 *
 * PARTITION BY day (UTC) of the event time, ORDER BY (host, time, file, offset): --hosts and
 * --since/--until prune partitions and granules; the sort key holds only content-fixed values
 * (isp and hard depend on the ISP map and hard categories of the loading host, so they cannot be in
 * a key that deduplicates). Records without an event time sit at time 0 (1970-01-01) with
 * `timed = 0`. Created by `load` (CREATE ... IF NOT EXISTS): the lead folds them into `clickhouse
 * init`'s numbered migrations when the fleet schema lands.
 */
import { checkIdentifier } from './sql.js';

export const RECORDS_TABLE = 'records';
export const LEDGER_TABLE = 'load_ledger';

/** One row of `records`, as JSONEachRow. */
export interface RecordRow {
  host: string;
  file_id: string;
  offset: number;
  line: number;
  time: number;
  timed: number;
  type: string;
  type_code: number;
  isp: string;
  ip: string;
  vmta: string;
  pool: string;
  job: string;
  domain: string;
  bounce_cat: string;
  outcome: string;
  hard: number;
  latency: number;
  latency_bin: number;
  size: number;
  dsn_status: string;
  dsn_diag: string;
  diag: string;
  rcpt_hash: string;
  rcpt: string;
  col_names: string[];
  col_keys: string[];
  col_values: string[];
  time_keys: string[];
  time_values: number[];
}

export interface LedgerRow {
  host: string;
  file_id: string;
  bytes: number;
  records: number;
  key_id: string;
  path: string;
  version: number;
}

/** The CREATE statements (idempotent) in database `db`. */
export function recordTableStatements(db: string): string[] {
  checkIdentifier(db, 'database');
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${RECORDS_TABLE} (
      host String, file_id String, offset UInt64, line UInt64,
      time UInt32, timed UInt8, type String, type_code UInt8,
      isp String, ip String, vmta String, pool String, job String, domain String, bounce_cat String,
      outcome String, hard UInt8, latency Float64, latency_bin Int16, size UInt64,
      dsn_status String, dsn_diag String, diag String, rcpt_hash String, rcpt String,
      col_names Array(String), col_keys Array(String), col_values Array(String),
      time_keys Array(String), time_values Array(Int64))
      ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(toDateTime(time, 'UTC'))
      ORDER BY (host, time, file_id, offset)`,
    `CREATE TABLE IF NOT EXISTS ${db}.${LEDGER_TABLE} (
      host String, file_id String, bytes UInt64, records UInt64, key_id String, path String, version UInt64)
      ENGINE = ReplacingMergeTree(version) ORDER BY (host, file_id)`,
  ];
}
