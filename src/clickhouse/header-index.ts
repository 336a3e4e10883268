/**
 * Where a header column's cell is in a row of `records`. Rows keep their cells as `col_values` in
 * their header's order and the header once, in `record_headers`, by id (records-schema.ts). A
 * query reads the headers first (a handful per fleet) and finds, for each column it names, its
 * position in each header; the SQL picks the position by the row's header_id
 * (`transform(header_id, [ids], [positions], 0)`: ids are checked hex, positions integers, so
 * nothing a user typed enters the text; the column's name itself travels as a literal). Rows
 * written before headers were split out (empty header_id, names in `col_keys`) are read by name as
 * before, so an older store needs no rewrite.
 */
import { NO_TIME, isHeaderId, keysOf, timeColumnsOf, HEADERS_TABLE, type HeaderRow } from './records-schema.js';
import { checkIdentifier, isSqlLabel, sqlInt, sqlLabel } from './sql.js';
import type { Literals } from './literals.js';

/** The rows of the old layout (the header per row). */
const OLD_LAYOUT = 'notEmpty(col_keys)';

export class HeaderIndex {
  private readonly headers: { id: string; names: string[]; keys: string[]; times: number[] }[] = [];

  constructor(rows: readonly HeaderRow[]) {
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.header_id) || !isHeaderId(r.header_id)) continue;
      seen.add(r.header_id);
      const keys = keysOf(r.names);
      this.headers.push({ id: r.header_id, names: r.names, keys, times: timeColumnsOf(keys) });
    }
  }

  /** The SELECT reading the headers of database `db`. */
  static sql(db: string): string {
    return `SELECT header_id, names FROM ${checkIdentifier(db, 'database')}.${HEADERS_TABLE}`;
  }

  /** The names of a header by id, as written ([] when unknown). */
  names(id: string): string[] {
    return this.headers.find((h) => h.id === id)?.names ?? [];
  }

  /**
   * 1-based position per header by the row's header_id (0: the header has no such column); null
   * when no header has it (a constant 0 index is refused by ClickHouse: indexes are 1-based).
   */
  private pick(position: (h: { keys: string[]; times: number[] }) => number): string | null {
    const ids: string[] = [];
    const at: string[] = [];
    for (const h of this.headers) {
      const p = position(h);
      if (p <= 0) continue;
      ids.push(`'${h.id}'`);
      at.push(sqlInt(p));
    }
    return ids.length === 0 ? null : `toUInt64(transform(header_id, [${ids.join(', ')}], [${at.join(', ')}], 0))`;
  }

  /**
   * A header column's cell ('' when the record's header has none). The name, for rows of the old
   * layout, is written as a checked label when it is one (every PowerMTA column name is): a scalar
   * subquery in a SELECT list fails over a Distributed table in 18.16 (the shards name the column
   * by the value, the initiator by the subquery).
   */
  cell(column: string, lits: Literals): string {
    const here = this.pick((h) => h.keys.indexOf(column) + 1);
    const name = isSqlLabel(column) ? sqlLabel(column, 'column') : lits.str(column);
    return `col_values[if(${OLD_LAYOUT}, indexOf(col_keys, ${name}), ${here ?? 'toUInt64(0)'})]`;
  }

  /** A time column parsed: its value, and whether the record has one that parsed. */
  time(column: string, lits: Literals): { value: string; present: string } {
    const key = lits.str(column);
    const here = this.pick((h) => h.times.findIndex((i) => h.keys[i] === column) + 1);
    return {
      value: `toFloat64(time_values[if(${OLD_LAYOUT}, indexOf(time_keys, ${key}), ${here ?? 'toUInt64(0)'})])`,
      present: `if(${OLD_LAYOUT}, has(time_keys, ${key}), ${here === null ? '0' : `${here} != 0 AND time_values[${here}] != ${sqlInt(NO_TIME)}`})`,
    };
  }
}
