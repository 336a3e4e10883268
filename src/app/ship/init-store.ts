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
    // optimize_throw_if_noop: an OPTIMIZE that cannot merge fails init instead of passing (migrations 4 and 5)
    for (const s of m.statements(names, db)) await ch.command(s, { optimize_throw_if_noop: 1 });
    if (m.fill !== undefined && (await exists(ch, db, names[m.fill.from]))) await ch.command(m.fill.statement(names, db));
    for (const t of m.optimize ?? []) await optimize(ch, db, names[t]);
    for (const c of m.addColumns ?? []) {
      // the local (or plain) table, and the Distributed one over it when an earlier init made it
      for (const table of cluster === null ? [names[c.table]] : [names[c.table], c.table]) await addColumn(ch, db, table, c.column, c.type);
    }
    await ch.insert(`${db}.${MIGRATIONS_TABLE}`, [{ version: m.version, what: m.what, applied_at: Math.floor(Date.now() / 1000) }]);
    applied.push(m.version);
  }
  if (cluster !== null) for (const s of distributedStatements(db, cluster)) await ch.command(s);
  return { applied, schema: SCHEMA_VERSION, distributed: cluster !== null };
}

/** ALTER TABLE ... ADD COLUMN when the table exists without the column (18.16 has no IF NOT EXISTS there). */
async function addColumn(ch: ClickHouse, db: string, table: string, column: string, type: string): Promise<void> {
  const rows = await ch.select<{ n: number; has: number }>(
    `SELECT count() AS n, countIf(name = '${checkIdentifier(column, 'column')}') AS has FROM system.columns WHERE database = '${db}' AND table = '${checkIdentifier(table, 'table')}'`,
  );
  const r = rows[0];
  if (r === undefined || r.n === 0 || r.has > 0) return;
  await ch.command(`ALTER TABLE ${db}.${table} ADD COLUMN ${column} ${type}`);
}

/**
 * Merges a table's every partition into one part (OPTIMIZE ... FINAL), when the table exists (a
 * store made by `load` alone has no fleet tables). optimize_throw_if_noop: a merge that did not run
 * (another one busy) fails the migration instead of being recorded as done.
 */
async function optimize(ch: ClickHouse, db: string, table: string): Promise<void> {
  if (!(await exists(ch, db, table))) return;
  await ch.command(`OPTIMIZE TABLE ${db}.${table} FINAL`, { optimize_throw_if_noop: 1 });
}

async function exists(ch: ClickHouse, db: string, table: string): Promise<boolean> {
  const rows = await ch.select<{ n: number }>(
    `SELECT count() AS n FROM system.tables WHERE database = '${db}' AND name = '${checkIdentifier(table, 'table')}'`,
  );
  return (rows[0]?.n ?? 0) > 0;
}
