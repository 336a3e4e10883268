/**
 * The literals of one ClickHouse query, passed as data: 18.16 has no query parameters, so every
 * value becomes a row (i, s, n) of a temporary table of the query's HTTP session, filled as
 * JSONEachRow, and the SQL reads it through scalar and IN subqueries. Only what this class hands
 * out refers to it.
 */
export const LITERALS = 'literals';

export interface LiteralRow {
  i: number;
  s: string;
  n: number;
}

/** The literals of one query: each value a row, referred to by its index. */
export class Literals {
  readonly rows: LiteralRow[] = [];
  /** Rows handed out by unsent(). */
  sent = 0;

  /** The rows added since the last call. */
  unsent(): LiteralRow[] {
    const out = this.rows.slice(this.sent);
    this.sent = this.rows.length;
    return out;
  }

  private add(s: string, n: number): number {
    const i = this.rows.length;
    this.rows.push({ i, s, n });
    return i;
  }

  /** A string value as a scalar subquery. */
  str(s: string): string {
    return `(SELECT s FROM ${LITERALS} WHERE i = ${this.add(s, 0)})`;
  }

  num(n: number): string {
    return `(SELECT n FROM ${LITERALS} WHERE i = ${this.add('', n)})`;
  }

  /** Several strings (or numbers) under one index, for IN. */
  strSet(values: readonly string[]): string {
    const i = this.rows.length;
    for (const s of values) this.rows.push({ i, s, n: 0 });
    if (values.length === 0) this.rows.push({ i, s: '\u0000never', n: 0 });
    return `(SELECT s FROM ${LITERALS} WHERE i = ${i})`;
  }

  numSet(values: readonly number[]): string {
    const i = this.rows.length;
    for (const n of values) this.rows.push({ i, s: '', n });
    return `(SELECT n FROM ${LITERALS} WHERE i = ${i})`;
  }
}

/** The statement creating the literals table in a session. */
export const LITERALS_DDL = `CREATE TEMPORARY TABLE IF NOT EXISTS ${LITERALS} (i UInt32, s String, n Float64)`;
