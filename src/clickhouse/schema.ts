/**
 * The fleet store's tables, in one database, created by numbered migrations recorded in
 * `schema_migrations` (rspamd's ClickHouse plugin keeps its schema version the same way):
 *
 * - `groups`: one row per host, tier grain, bucket start and key (every report dimension; '' where
 *   the host's state does not keep it), absolute counters and a sparse latency histogram, with the
 *   version (the state's change sequence) of the state's bucket it came from.
 *   ReplacingMergeTree(version), read with FINAL: a row shipped again replaces the earlier one; a
 *   withdrawn row (the state moved the bucket to a coarser tier) is shipped as `deleted = 1`.
 * - `buckets`: per host, grain and bucket, the records counted and the span of their event times.
 * - `heartbeats`: per host, when it last shipped (the fleet's dead-man verdict reads it).
 *
 * Without a cluster these are plain tables. With `--cluster NAME`, each server gets `<name>_local`
 * tables and Distributed tables named as above over the cluster, sharded by a hash of the host: all
 * rows of a host are on one shard, so FINAL (which collapses per shard) is exact. Inserts go through
 * the Distributed tables with insert_distributed_sync = 1: the insert returns once the shard wrote
 * it, so an acknowledgement means the rows are on disk where FINAL reads them.
 *
 * PARTITION BY (grain, week): the retention drops whole partitions (`clickhouse retain`), chosen
 * from system.parts (18.16 has no TTL).
 */
import { COUNTER_NAMES } from '../rollup/counters.js';
import { DIMENSIONS } from '../classify/fields.js';
import { checkIdentifier } from './sql.js';

export const TABLES = ['groups', 'buckets', 'heartbeats'] as const;
export type TableName = (typeof TABLES)[number];

/** The dimension columns of `groups`, in its sort key order. */
export const KEY_COLUMNS: readonly string[] = DIMENSIONS;

export interface Migration {
  readonly version: number;
  readonly what: string;
  /** The CREATE statements, for one table name per logical table (local or plain). */
  readonly statements: (names: Readonly<Record<TableName, string>>, db: string) => string[];
}

const counterCols = COUNTER_NAMES.map((n) => `${n} UInt64`).join(', ');
const keyCols = KEY_COLUMNS.map((d) => `${d} String`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'groups, buckets and heartbeats per host',
    statements: (t, db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.${t.groups} (host String, grain String, bucket UInt32, ${keyCols}, ${counterCols},
        hist_bins Array(UInt16), hist_counts Array(UInt64), deleted UInt8, version UInt64)
        ENGINE = ReplacingMergeTree(version) PARTITION BY (grain, toMonday(toDate(toDateTime(bucket))))
        ORDER BY (host, grain, bucket, ${KEY_COLUMNS.join(', ')})`,
      `CREATE TABLE IF NOT EXISTS ${db}.${t.buckets} (host String, grain String, bucket UInt32, counted UInt64,
        first_event Int64, last_event Int64, deleted UInt8, version UInt64)
        ENGINE = ReplacingMergeTree(version) PARTITION BY (grain, toMonday(toDate(toDateTime(bucket))))
        ORDER BY (host, grain, bucket)`,
      `CREATE TABLE IF NOT EXISTS ${db}.${t.heartbeats} (host String, shipped_at UInt32, acked UInt64, latest_event Int64, pending UInt64, version UInt64)
        ENGINE = ReplacingMergeTree(version) ORDER BY host`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The local table names (with a cluster) or the plain ones. */
export function storageNames(cluster: string | null): Record<TableName, string> {
  const suffix = cluster === null ? '' : '_local';
  return { groups: `groups${suffix}`, buckets: `buckets${suffix}`, heartbeats: `heartbeats${suffix}` };
}

/** The Distributed tables over the local ones, sharded by host. */
export function distributedStatements(db: string, cluster: string): string[] {
  checkIdentifier(cluster, '--cluster');
  const local = storageNames(cluster);
  return TABLES.map(
    (t) =>
      `CREATE TABLE IF NOT EXISTS ${db}.${t} AS ${db}.${local[t]} ENGINE = Distributed(${cluster}, ${db}, ${local[t]}, cityHash64(host))`,
  );
}

export const MIGRATIONS_TABLE = 'schema_migrations';

export function migrationsTableStatement(db: string): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${MIGRATIONS_TABLE} (version UInt32, what String, applied_at DateTime) ENGINE = TinyLog`;
}
