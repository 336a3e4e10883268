/**
 * The fleet store's tables, in one database, created by numbered migrations recorded in
 * `schema_migrations` (rspamd's ClickHouse plugin keeps its schema version the same way):
 *
 * - `groups`: one row per host, tier grain, bucket start and key (every report dimension; '' where
 *   the host's state does not keep it), absolute counters and a sparse latency histogram, with the
 *   version of the insert attempt that sent it (unique per attempt from schema 5 on).
 *   ReplacingMergeTree(version): a row shipped again replaces the earlier one; a withdrawn row (the
 *   state moved the bucket to a coarser tier) is shipped as `deleted = 1`. Read at each bucket's
 *   highest version (schema 5; app/sources/fleet-read.ts), with FINAL on older stores.
 * - `isp_groups` (migration 6, backfilled from `groups`): per host, grain, bucket, version and ISP,
 *   the judged counters of that copy's live rows (`deleted = 1`: none live), shipped after the
 *   bucket's `groups` rows at the same version; read at each bucket's highest version as `groups`
 *   is, by the verdicts and incidents of plans by ISP (19x fewer rows than `groups`).
 * - `buckets`: per host, grain and bucket, the records counted and the span of their event times.
 * - `heartbeats`: per host, when it last shipped (the fleet's dead-man verdict reads it).
 * - `records`, `load_ledger` (migration 2) and `record_headers` (migration 3, which also adds
 *   `records.header_id`): the archived records `load` writes (records-schema.ts). Migration 4
 *   makes a store loaded before it hold each record once (records-schema.ts recordsOnceStatements). A store whose
 *   records tables an earlier `load` created itself adopts them (CREATE ... IF NOT EXISTS); a
 *   column a migration adds is added when the table lacks it (18.16 has no ADD COLUMN IF NOT
 *   EXISTS), so `init` brings any older store up to date in place.
 *
 * Without a cluster these are plain tables. With `--cluster NAME`, each server gets `<name>_local`
 * tables and Distributed tables named as above over the cluster, sharded by a hash of the host: all
 * rows of a host are on one shard, so FINAL (which collapses per shard) and a bucket's latest
 * version taken from the local table on each shard are exact. Inserts go through
 * the Distributed tables with insert_distributed_sync = 1: the insert returns once the shard wrote
 * it, so an acknowledgement means the rows are on disk where FINAL reads them.
 *
 * PARTITION BY (grain, week): the retention drops whole partitions (`clickhouse retain`), chosen
 * from system.parts (18.16 has no TTL).
 */
import { COUNTER_NAMES, JUDGED_COUNTERS } from '../rollup/counters.js';
import { DIMENSIONS } from '../classify/fields.js';
import {
  HEADERS_TABLE,
  LEDGER_TABLE,
  RECORDS_TABLE,
  headersTableStatement,
  recordTableStatements,
  recordsOnceStatements,
} from './records-schema.js';
import { checkIdentifier } from './sql.js';

export const TABLES = ['groups', 'buckets', 'heartbeats', RECORDS_TABLE, LEDGER_TABLE, HEADERS_TABLE, 'isp_groups'] as const;
export type TableName = (typeof TABLES)[number];

/** The dimension columns of `groups`, in its sort key order. */
export const KEY_COLUMNS: readonly string[] = DIMENSIONS;

export interface Migration {
  readonly version: number;
  readonly what: string;
  /** The CREATE statements, for one table name per logical table (local or plain). */
  readonly statements: (names: Readonly<Record<TableName, string>>, db: string) => string[];
  /** Columns added to existing tables (when missing), after the statements. */
  readonly addColumns?: readonly { readonly table: TableName; readonly column: string; readonly type: string }[];
  /** Tables merged whole (OPTIMIZE ... FINAL, where they exist), after the statements. */
  readonly optimize?: readonly TableName[];
  /** A table filled from another, after the statements, where that one exists (a store `load` made has no `groups`). */
  readonly fill?: { readonly from: TableName; readonly statement: (names: Readonly<Record<TableName, string>>, db: string) => string };
}

/** The bucket tables' partitions, (grain, week): what `clickhouse prune` drops whole (app/ship/prune-store.ts). */
const BY_WEEK = 'PARTITION BY (grain, toMonday(toDate(toDateTime(bucket))))';
const counterCols = COUNTER_NAMES.map((n) => `${n} UInt64`).join(', ');
/** The counters `isp_groups` keeps: what a verdict or an incident reads (rollup/counters.ts). */
export const ISP_COUNTERS: readonly string[] = JUDGED_COUNTERS;

/**
 * `isp_groups` from `groups` per version: each (host, grain, bucket, version) copy summed by ISP,
 * the live rows' counters, `deleted = 1` where none of the ISP's rows is live (so a copy that
 * withdrew every row is still that bucket's newest version there, as in `groups`). The same sums
 * `ship` sends (app/ship/isp-rows.ts), here for the rows shipped before schema 6.
 */
function ispBackfill(db: string, from: string, to: string): string {
  const sums = ISP_COUNTERS.map((n) => `sumIf(${n}, deleted = 0)`).join(', ');
  return `INSERT INTO ${db}.${to} (host, grain, bucket, version, isp, ${ISP_COUNTERS.join(', ')}, deleted)
    SELECT host, grain, bucket, version, isp, ${sums}, min(deleted) FROM ${db}.${from} GROUP BY host, grain, bucket, version, isp`;
}
const keyCols = KEY_COLUMNS.map((d) => `${d} String`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'groups, buckets and heartbeats per host',
    statements: (t, db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.${t.groups} (host String, grain String, bucket UInt32, ${keyCols}, ${counterCols},
        hist_bins Array(UInt16), hist_counts Array(UInt64), deleted UInt8, version UInt64)
        ENGINE = ReplacingMergeTree(version) ${BY_WEEK}
        ORDER BY (host, grain, bucket, ${KEY_COLUMNS.join(', ')})`,
      `CREATE TABLE IF NOT EXISTS ${db}.${t.buckets} (host String, grain String, bucket UInt32, counted UInt64,
        first_event Int64, last_event Int64, deleted UInt8, version UInt64)
        ENGINE = ReplacingMergeTree(version) ${BY_WEEK}
        ORDER BY (host, grain, bucket)`,
      `CREATE TABLE IF NOT EXISTS ${db}.${t.heartbeats} (host String, shipped_at UInt32, acked UInt64, latest_event Int64, pending UInt64, version UInt64)
        ENGINE = ReplacingMergeTree(version) ORDER BY host`,
    ],
  },
  {
    version: 2,
    what: 'records and load_ledger (load, query --clickhouse)',
    statements: (t, db) => recordTableStatements(db, t.records, t.load_ledger),
  },
  {
    version: 3,
    what: 'record_headers: a header once, not its names on every record',
    statements: (t, db) => [headersTableStatement(db, t.record_headers)],
    addColumns: [{ table: RECORDS_TABLE, column: 'header_id', type: 'String' }],
  },
  {
    version: 4,
    what: "records held once, read without FINAL: earlier loads' duplicates merged away, their files checked at their next load",
    statements: (t, db) => recordsOnceStatements(db, t.records, t.load_ledger),
  },
  {
    version: 5,
    what: 'a version per insert attempt: groups read at their latest version, without FINAL',
    // Ships before this one re-sent a lost insert at the same version; merged away here, every
    // bucket's rows at its highest version are one copy (a newer pmta-acct's ship never repeats a
    // version, and an older one refuses a store at this schema).
    statements: () => [],
    optimize: ['groups', 'buckets'],
  },
  {
    version: 6,
    what: 'isp_groups: the judged counters per host, bucket and ISP, beside groups, for the verdicts and incidents',
    // Each shard fills its own local table from its own groups (init runs once per server); ships
    // must be stopped meanwhile (an older one refuses the store once this is recorded, a newer one
    // refuses it before). The merge after it makes a backfill run twice by a killed init one copy.
    statements: (t, db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.${t.isp_groups} (host String, grain String, bucket UInt32, version UInt64, isp String,
        ${ISP_COUNTERS.map((n) => `${n} UInt64`).join(', ')}, deleted UInt8)
        ENGINE = ReplacingMergeTree(version) ${BY_WEEK}
        ORDER BY (host, grain, bucket, isp)`,
    ],
    fill: { from: 'groups', statement: (t, db) => ispBackfill(db, t.groups, t.isp_groups) },
    optimize: ['isp_groups'],
  },
];

/** The schema from which `isp_groups` is shipped and read (and `ship` needs). */
export const ISP_GROUPS_SCHEMA = 6;

/** The schema from which `groups` is read at each bucket's latest version, not with FINAL. */
export const LATEST_COPY_SCHEMA = 5;

/** The schema `load` needs (and `prune --keep records=`). */
export const RECORDS_SCHEMA = 4;

/**
 * The oldest schema `query --clickhouse` reads: from 4 on a record is stored once and read without
 * FINAL; a store at 3 (loaded by an earlier pmta-acct, not yet migrated by init) is read with FINAL.
 */
export const RECORDS_READ_SCHEMA = 3;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The local table names (with a cluster) or the plain ones. */
export function storageNames(cluster: string | null): Record<TableName, string> {
  const suffix = cluster === null ? '' : '_local';
  return Object.fromEntries(TABLES.map((t) => [t, `${t}${suffix}`])) as Record<TableName, string>;
}

/** What a Distributed table shards by: the host (a host's rows on one shard, so FINAL is exact), a header by its id. */
function shardKey(t: TableName): string {
  return t === HEADERS_TABLE ? 'cityHash64(header_id)' : 'cityHash64(host)';
}

/** The Distributed tables over the local ones, sharded by host. */
export function distributedStatements(db: string, cluster: string): string[] {
  checkIdentifier(cluster, '--cluster');
  const local = storageNames(cluster);
  return TABLES.map(
    (t) =>
      `CREATE TABLE IF NOT EXISTS ${db}.${t} AS ${db}.${local[t]} ENGINE = Distributed(${cluster}, ${db}, ${local[t]}, ${shardKey(t)})`,
  );
}

export const MIGRATIONS_TABLE = 'schema_migrations';

export function migrationsTableStatement(db: string): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${MIGRATIONS_TABLE} (version UInt32, what String, applied_at DateTime) ENGINE = TinyLog`;
}
