/**
 * Errors in a --where expression point at the column where it went wrong:
 *
 *   --where: expected a value after '=' (column 7)
 *     isp = and type = b
 *           ^
 */
import { PmtaAcctError } from '../errors.js';

/** Control characters shown as spaces, so the caret stays under the right character. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export function exprError(option: string, expr: string, pos: number, message: string): PmtaAcctError {
  const at = Math.max(0, Math.min(pos, expr.length));
  return new PmtaAcctError('USAGE', `${option}: ${message} (column ${at + 1})\n  ${printable(expr)}\n  ${' '.repeat(at)}^`);
}
