/**
 * The one way pmta-acct talks to ClickHouse: the official @clickhouse/client over HTTP, wrapped so
 * that every fault is a ClickHouseFault (one line, exit 3), the server's version is read and
 * checked at open, the client logs nothing of its own (its error log would print the SQL and a
 * stack), and rows travel as data: JSONEachRow in both directions, 64-bit integers as JSON numbers
 * (every counter is below 2^53). Settings go as URL parameters (18.16 has no INSERT ... SETTINGS).
 *
 * The client is loaded on first use (src/util/lazy-require.ts): no other command pays for it.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { lazyRequire } from '../util/lazy-require.js';
import { ClickHouseFault, clickHouseFault } from './fault.js';
import type { ClickHouseTarget } from './target.js';
import { MIN_VERSION, atLeast, parseVersion, type ServerVersion } from './version.js';

const clientModule = lazyRequire<typeof import('@clickhouse/client')>('@clickhouse/client');

export type Settings = ClickHouseSettings;

export interface OpenOptions {
  /** Milliseconds an HTTP request may take (default 30 s). */
  readonly requestTimeoutMs?: number;
  /**
   * Connect without selecting the URL's database (for `clickhouse init`, which creates it): queries
   * then name the database themselves.
   */
  readonly withoutDatabase?: boolean;
  /**
   * A session id: the server keeps TEMPORARY tables between this client's requests (query
   * --clickhouse passes its literals as rows of one, 18.16 having no query parameters).
   */
  readonly session?: string;
}

export class ClickHouse {
  private constructor(
    private readonly client: ClickHouseClient,
    readonly target: ClickHouseTarget,
    readonly version: ServerVersion,
  ) {}

  /** Opens a client and reads the server version; refuses a server older than 18.16. */
  static async open(target: ClickHouseTarget, options: OpenOptions = {}): Promise<ClickHouse> {
    const { createClient, ClickHouseLogLevel } = clientModule();
    const client = createClient({
      url: target.endpoint,
      username: target.username,
      password: target.password,
      database: options.withoutDatabase === true ? 'default' : target.database,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      application: 'pmta-acct',
      log: { level: ClickHouseLogLevel.OFF },
      compression: { request: false, response: false },
      ...(options.session === undefined ? {} : { session_id: options.session }),
    });
    const fail = (err: unknown) => clickHouseFault(err, target.display, { username: target.username, database: target.database });
    let text: string;
    try {
      const rs = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
      const rows = await rs.json<{ version: string }>();
      text = rows[0]?.version ?? '';
    } catch (err) {
      await client.close().catch(() => undefined);
      throw fail(err);
    }
    const version = parseVersion(text);
    if (version === null || !atLeast(version, MIN_VERSION)) {
      await client.close().catch(() => undefined);
      throw new ClickHouseFault(
        target.display,
        `server version ${text === '' ? '(none)' : text} is older than ${MIN_VERSION.major}.${MIN_VERSION.minor}, the oldest pmta-acct supports`,
        null,
        false,
      );
    }
    return new ClickHouse(client, target, version);
  }

  private fault(err: unknown): ClickHouseFault {
    return clickHouseFault(err, this.target.display, { username: this.target.username, database: this.target.database });
  }

  /** Rows of a SELECT (the SQL without FORMAT), JSON numbers for 64-bit integers. */
  async select<T>(query: string, settings: Settings = {}): Promise<T[]> {
    try {
      const rs = await this.client.query({
        query,
        format: 'JSONEachRow',
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0, ...settings },
      });
      return await rs.json<T>();
    } catch (err) {
      throw this.fault(err);
    }
  }

  /**
   * A SELECT's answer as TabSeparated text (the SQL without FORMAT): what a large grouped answer is
   * read as (clickhouse/tsv.ts tsvRows), a field per column and no object per row.
   */
  async selectTsv(query: string, settings: Settings = {}): Promise<string> {
    try {
      const rs = await this.client.query({ query, format: 'TabSeparated', clickhouse_settings: settings });
      return await rs.text();
    } catch (err) {
      throw this.fault(err);
    }
  }

  /** A statement without rows (DDL, ALTER ... DROP PARTITION). */
  async command(query: string, settings: Settings = {}): Promise<void> {
    try {
      await this.client.command({ query, clickhouse_settings: settings });
    } catch (err) {
      throw this.fault(err);
    }
  }

  /** Inserts rows as JSONEachRow into `table` (a checked name, `db.table` allowed). */
  async insert(table: string, rows: readonly object[], settings: Settings = {}): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table, values: rows, format: 'JSONEachRow', clickhouse_settings: settings });
    } catch (err) {
      throw this.fault(err);
    }
  }

  /**
   * Inserts rows already written as TabSeparated text (clickhouse/tsv.ts) into `columns` of
   * `table`: what `load` sends, with no per-row object or JSON on either side (or a stream of that
   * text). `queryId` names the insert on the server (system.processes).
   */
  async insertTsv(
    table: string,
    columns: readonly [string, ...string[]],
    text: Buffer | Readable,
    settings: Settings = {},
    queryId?: string,
  ): Promise<void> {
    if (Buffer.isBuffer(text) && text.length === 0) return;
    try {
      await this.client.insert({
        table,
        ...(queryId === undefined ? {} : { query_id: queryId }),
        values: Buffer.isBuffer(text) ? Readable.from([text], { objectMode: false }) : text,
        format: 'TabSeparated',
        columns: [...columns],
        clickhouse_settings: settings,
      });
    } catch (err) {
      throw this.fault(err);
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
