/**
 * Rows as ClickHouse's TabSeparated text, both ways. Written for `load`'s inserts: the cheapest format for both ends
 * (measured against JSONEachRow in the load suite: no per-row object, no JSON.stringify on this
 * side, the fastest parser on the server's). Strings escape backslash, tab, newline and carriage
 * return; an array is `['a','b']` with its strings quoted (quote and backslash escaped, and the
 * control characters, so the field holds no raw tab or newline), as ClickHouse writes them itself.
 * Read for the fleet's grouped answers (TsvReader): fields in place, no object or JSON value
 * per row.
 */

import { PmtaAcctError } from '../errors.js';

const TSV_SPECIAL = /[\\\t\n\r]/;
const TSV_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'" };

/** A string field. */
export function tsvString(s: string): string {
  return TSV_SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c]) : s;
}

const QUOTED_SPECIAL = /[\\\t\n\r']/;

/** An Array(String) field. */
export function tsvStrings(values: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += `${i === 0 ? "'" : ",'"}${QUOTED_SPECIAL.test(v) ? v.replace(/[\\\t\n\r']/g, (c) => TSV_ESCAPES[c]) : v}'`;
  }
  return `${out}]`;
}

/** An array of numbers (integers or floats as JavaScript prints them, which ClickHouse reads). */
export function tsvNumbers(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}

const UNESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

/** A string field as ClickHouse writes it in TabSeparated (backslash escapes undone). */
export function tsvUnescape(field: string): string {
  return field.includes('\\') ? field.replace(/\\(.)/gs, (_, c: string) => UNESCAPES[c] ?? c) : field;
}

const TAB = 9;
const NEWLINE = 10;
const ZERO = 48;

/**
 * TabSeparated text (what ClickHouse sends for FORMAT TabSeparated) read field after field, row
 * after row: numbers parsed where they stand and strings sliced only when asked, so a large
 * answer costs no string or object per field. Fields stay escaped (tsvUnescape for strings).
 */
export class TsvReader {
  private at = 0;
  /** Where the text's rows start (row numbers for errors). */
  private row = 1;

  constructor(private readonly text: string) {}

  /** No row left. */
  get done(): boolean {
    return this.at >= this.text.length;
  }

  private end(): number {
    const t = this.text;
    let i = this.at;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === TAB || c === NEWLINE) break;
      i++;
    }
    return i;
  }

  private fail(what: string): never {
    // the server's answer is not the shape the query asked for: a store (or server) this tool cannot read
    throw new PmtaAcctError(
      'CLICKHOUSE',
      `the server's answer could not be read (TabSeparated row ${this.row}: ${what}): ${this.text.slice(this.at, this.at + 200)}`,
    );
  }

  /** The next field of the row, as written (a row's last field is read with `last`). */
  field(): string {
    const e = this.end();
    if (this.text.charCodeAt(e) !== TAB) this.fail('fewer fields than asked');
    const s = this.text.slice(this.at, e);
    this.at = e + 1;
    return s;
  }

  /** The next field as a number: digits are read in place, anything else by Number(). */
  number(): number {
    const t = this.text;
    let i = this.at;
    let n = 0;
    for (; i < t.length; i++) {
      const d = t.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    // an integer above 2^53 or any other form (sign, fraction, exponent): the exact reading
    if (i === this.at || (i < t.length && t.charCodeAt(i) !== TAB) || n > Number.MAX_SAFE_INTEGER) return Number(this.field());
    if (i >= t.length) this.fail('fewer fields than asked');
    this.at = i + 1;
    return n;
  }

  /** The row's last field, as written; the row must end there. */
  last(): string {
    const e = this.end();
    if (e < this.text.length && this.text.charCodeAt(e) !== NEWLINE) this.fail('more fields than asked');
    const s = this.text.slice(this.at, e);
    this.at = e + 1;
    this.row++;
    return s;
  }
}

/** `[1,2,3]` (an array of numbers as ClickHouse writes it) as numbers. */
export function tsvNumberArray(field: string): number[] {
  const inner = field.trim().slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(Number);
}
