/**
 * The one error class of pmta-acct. Every failure that reaches the user carries a code from the
 * closed set below; the CLI maps codes to exit statuses (src/cli/exit.ts) and nothing else does.
 */
export type ErrorCode =
  | 'USAGE' // bad arguments or options
  | 'INPUT_NOT_FOUND' // a named input does not exist
  | 'INPUT_UNREADABLE' // an input exists but cannot be read (permissions, corrupt gzip, ...)
  | 'BAD_RECORD' // a bad record under --strict
  | 'BAD_CONFIG' // a config or rules file that does not validate
  | 'STATE' // the state directory cannot be used (locked by another process, corrupt, ...)
  | 'INTERNAL'; // a bug: an invariant did not hold

export class PmtaAcctError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PmtaAcctError';
    this.code = code;
  }
}

/** Narrow an unknown thrown value to a message without `any`. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
