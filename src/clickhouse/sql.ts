/**
 * What goes into SQL text. ClickHouse 18.16 has no query parameters (`{x:String}` is 19.x), so
 * rows travel as data (JSONEachRow inserts) and the few values a query needs in its text are
 * either numbers checked to be finite integers, or names checked against a strict alphabet and
 * then quoted; identifiers (database, cluster, table names) are checked, never escaped.
 */
import { PmtaAcctError } from '../errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `name` when it is a plain identifier (letters, digits, underscore), else a USAGE error naming `what`. */
export function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new PmtaAcctError('USAGE', `${what} '${name}' is not a plain name (letters, digits and _, not starting with a digit)`);
  return name;
}

/** A whole number for SQL text. */
export function sqlInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new PmtaAcctError('INTERNAL', `not an integer for SQL: ${n}`);
  return String(n);
}

/** Characters a host, ISP or IP label may hold in SQL text (host names, dotted and colon addresses). */
const LABEL = /^[A-Za-z0-9_.:@+-]{1,255}$/;

/** Whether `s` may be written as a quoted SQL string by `sqlLabel`. */
export function isSqlLabel(s: string): boolean {
  return LABEL.test(s);
}

/**
 * A label as a quoted SQL string. The alphabet has no quote or backslash, so nothing needs
 * escaping; anything else is refused rather than escaped.
 */
export function sqlLabel(s: string, what: string): string {
  if (!isSqlLabel(s)) throw new PmtaAcctError('USAGE', `${what} '${s}' may hold only letters, digits and . _ : @ + -`);
  return `'${s}'`;
}

/** `'a', 'b'` for an IN list. */
export function sqlLabels(values: readonly string[], what: string): string {
  return values.map((v) => sqlLabel(v, what)).join(', ');
}
