/**
 * Rows as ClickHouse's TabSeparated text, both ways. Written for `load`'s inserts: the cheapest format for both ends
 * (measured against JSONEachRow in the load suite: no per-row object, no JSON.stringify on this
 * side, the fastest parser on the server's). Strings escape backslash, tab, newline and carriage
 * return; an array is `['a','b']` with its strings quoted (quote and backslash escaped, and the
 * control characters, so the field holds no raw tab or newline), as ClickHouse writes them itself.
 * Read for the fleet's grouped answers (tsvRows): the text split into fields, no object or JSON
 * value per row.
 */

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

/**
 * TabSeparated text (what ClickHouse sends for FORMAT TabSeparated) as its fields, row after row
 * in one flat array: the field of row r and column c is at r * columns + c. Fields stay escaped
 * (tsvUnescape for strings); a row with another number of fields is an error.
 */
export function tsvRows(text: string, columns: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const before = out.length;
    let from = at;
    for (let tab = text.indexOf('\t', from); tab >= 0 && tab < end; tab = text.indexOf('\t', from)) {
      out.push(text.slice(from, tab));
      from = tab + 1;
    }
    out.push(text.slice(from, end));
    if (out.length - before !== columns)
      throw new Error(
        `TabSeparated row of ${out.length - before} fields where ${columns} were asked: ${text.slice(at, Math.min(end, at + 200))}`,
      );
    at = end + 1;
  }
  return out;
}

/** `[1,2,3]` (an array of numbers as ClickHouse writes it) as numbers. */
export function tsvNumberArray(field: string): number[] {
  const inner = field.trim().slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(Number);
}
