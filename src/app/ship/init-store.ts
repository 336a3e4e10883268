/**
 * `pmta-acct clickhouse init`: the fleet store's database and tables, idempotently. Migrations not
 * recorded in `schema_migrations` run in order and are recorded; with a cluster, the Distributed
 * tables over the local ones are created too. Run once per server of the cluster (a ClickHouse
 * without ZooKeeper/Keeper has no ON CLUSTER DDL).
 */
import type { ClickHouse } from '../../clickhouse/connection.js';
import { ClickHouseFault } from '../../clickhouse/fault.js';
import {
  MIGRATIONS,
  MIGRATIONS_TABLE,
  SCHEMA_VERSION,
  distributedStatements,
  migrationsTableStatement,
  storageNames,
} from '../../clickhouse/schema.js';
import { checkIdentifier } from '../../clickhouse/sql.js';

export interface InitResult {
  readonly applied: readonly number[];
  readonly schema: number;
  readonly distributed: boolean;
}

export async function initStore(ch: ClickHouse, cluster: string | null): Promise<InitResult> {
  const db = checkIdentifier(ch.target.database, 'database');
  if (cluster !== null) {
    checkIdentifier(cluster, '--cluster');
    const rows = await ch.select<{ n: number }>(`SELECT count() AS n FROM system.clusters WHERE cluster = '${cluster}'`);
    if ((rows[0]?.n ?? 0) === 0)
      throw new ClickHouseFault(
        ch.target.display,
        `no cluster '${cluster}' in this server's remote_servers (system.clusters)`,
        null,
        false,
      );
  }
  await ch.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await ch.command(migrationsTableStatement(db));
  const done = new Set((await ch.select<{ version: number }>(`SELECT version FROM ${db}.${MIGRATIONS_TABLE}`)).map((r) => r.version));
  const newest = Math.max(0, ...done);
  if (newest > SCHEMA_VERSION)
    throw new ClickHouseFault(
      ch.target.display,
      `the fleet store's schema is version ${newest}, made by a newer pmta-acct (this one knows up to ${SCHEMA_VERSION}): upgrade pmta-acct`,
      null,
      false,
    );
  const names = storageNames(cluster);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const s of m.statements(names, db)) await ch.command(s);
    await ch.insert(`${db}.${MIGRATIONS_TABLE}`, [{ version: m.version, what: m.what, applied_at: Math.floor(Date.now() / 1000) }]);
    applied.push(m.version);
  }
  if (cluster !== null) for (const s of distributedStatements(db, cluster)) await ch.command(s);
  return { applied, schema: SCHEMA_VERSION, distributed: cluster !== null };
}

/** The schema version a store has (0: none); readers refuse a store without tables or newer than they know. */
export async function storeSchema(ch: ClickHouse): Promise<number> {
  const db = ch.target.database;
  const rows = await ch.select<{ n: number }>(
    `SELECT count() AS n FROM system.tables WHERE database = '${db}' AND name = '${MIGRATIONS_TABLE}'`,
  );
  if ((rows[0]?.n ?? 0) === 0) return 0;
  const v = await ch.select<{ v: number }>(`SELECT max(version) AS v FROM ${db}.${MIGRATIONS_TABLE}`);
  return v[0]?.v ?? 0;
}

/** Throws the one-line fault a command over an uninitialised or newer store gives. */
export async function requireStore(ch: ClickHouse): Promise<void> {
  const v = await storeSchema(ch);
  if (v === 0)
    throw new ClickHouseFault(
      ch.target.display,
      `no pmta-acct tables in database '${ch.target.database}': run pmta-acct clickhouse init --clickhouse URL`,
      null,
      false,
    );
  if (v > SCHEMA_VERSION)
    throw new ClickHouseFault(
      ch.target.display,
      `the fleet store's schema is version ${v}, newer than this pmta-acct knows (${SCHEMA_VERSION}): upgrade pmta-acct`,
      null,
      false,
    );
}
