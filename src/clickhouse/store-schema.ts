/**
 * What every command over the fleet store checks first: the store's schema version (the newest
 * migration `clickhouse init` recorded), refusing in one line a store without tables, older than
 * the command needs (init migrates it in place) or newer than this pmta-acct knows.
 */
import type { ClickHouse } from './connection.js';
import { ClickHouseFault } from './fault.js';
import { MIGRATIONS_TABLE, SCHEMA_VERSION } from './schema.js';

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

/**
 * Throws the one-line fault a command over an uninitialised, older (below `min`) or newer store
 * gives: `clickhouse init` makes and migrates the tables, not the commands that use them. Returns
 * the store's version.
 */
export async function requireStore(ch: ClickHouse, min = 1): Promise<number> {
  const v = await storeSchema(ch);
  if (v === 0)
    throw new ClickHouseFault(
      ch.target.display,
      `no pmta-acct tables in database '${ch.target.database}': run pmta-acct clickhouse init --clickhouse URL`,
      null,
      false,
    );
  if (v < min)
    throw new ClickHouseFault(
      ch.target.display,
      `the fleet store's schema is version ${v}, older than this command needs (${min}): run pmta-acct clickhouse init --clickhouse URL to migrate it`,
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
  return v;
}
