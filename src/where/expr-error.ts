/**
 * Errors in a --where expression point at the column where it went wrong:
 *
 *   --where: expected a value after '=' (column 7)
 *     isp = and type = b
 *           ^
 */
import { PmtaAcctError } from '../errors.js';

/** `pos`: 0-based offset in `expr`; the error's column is 1-based, under the option's text. */
export function exprError(option: string, expr: string, pos: number, message: string): PmtaAcctError {
  const at = Math.max(0, Math.min(pos, expr.length));
  return new PmtaAcctError('USAGE', message, { at: { file: option, column: at + 1, text: expr } });
}
