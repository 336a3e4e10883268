/**
 * The one error class of pmta-acct. Every failure that reaches the user carries a code from the
 * closed set below; the CLI maps codes to exit statuses (src/cli/exit.ts) and nothing else does.
 * Where the failure is in a file (a config or rules file line, a bad record) or in an option's
 * text (a --where column), the position is a field of the error, and the message is rendered from
 * it here, in one place.
 */
export type ErrorCode =
  | 'USAGE' // bad arguments or options
  | 'INPUT_NOT_FOUND' // a named input does not exist
  | 'INPUT_UNREADABLE' // an input exists but cannot be read (permissions, corrupt gzip, ...)
  | 'BAD_RECORD' // a bad record under --strict
  | 'BAD_CONFIG' // a config or rules file that does not validate
  | 'STATE' // the state directory cannot be used (locked by another process, corrupt, ...)
  | 'CLICKHOUSE' // the fleet store cannot be used (unreachable, refused, missing table, old version, ...)
  | 'OUTPUT' // standard output or an output file cannot be written (a full disk, ...)
  | 'INTERNAL'; // a bug: an invariant did not hold

/** Where a failure is: in a file (`file`, with a line, column or byte when known), or in an option's text. */
export interface ErrorPosition {
  /** The file, or the option whose value `text` is (`--where`). */
  readonly file: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column (of the line, or of `text`). */
  readonly column?: number;
  /** 0-based byte offset in the file (decompressed bytes for .gz). */
  readonly byte?: number;
  /** The text `column` points into (an option's value): shown under the message with a caret. */
  readonly text?: string;
}

/** Control characters shown as spaces, so that a caret stays under the right character. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

/** `file:line:column (byte N)` as far as known. */
export function positionText(at: ErrorPosition): string {
  let s = at.file;
  if (at.line !== undefined && at.line > 0) s += `:${at.line}`;
  if (at.column !== undefined && at.text === undefined) s += `:${at.column}`;
  if (at.byte !== undefined) s += ` (byte ${at.byte})`;
  return s;
}

/** A message at a position: `file:line:col: detail`, or, in an option's text, the detail with a caret line. */
export function atPosition(at: ErrorPosition, detail: string): string {
  if (at.text !== undefined) {
    const col = Math.max(1, at.column ?? 1);
    return `${at.file}: ${detail} (column ${col})\n  ${printable(at.text)}\n  ${' '.repeat(col - 1)}^`;
  }
  return `${positionText(at)}: ${detail}`;
}

export class PmtaAcctError extends Error {
  readonly code: ErrorCode;
  /** The message without its position (`message` has it in front). */
  readonly detail: string;
  /** Where it happened, when it is in a file or an option's text (null: nowhere in particular). */
  readonly at: ErrorPosition | null;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly byte: number | undefined;

  constructor(code: ErrorCode, detail: string, options?: { cause?: unknown; at?: ErrorPosition | null }) {
    const at = options?.at ?? null;
    super(at === null ? detail : atPosition(at, detail), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PmtaAcctError';
    this.code = code;
    this.detail = detail;
    this.at = at;
    this.file = at?.file;
    this.line = at?.line;
    this.column = at?.column;
    this.byte = at?.byte;
  }
}

/** An error as plain data (it crosses from a worker thread to the main thread and back into a PmtaAcctError). */
export interface ErrorData {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly at: ErrorPosition | null;
}

/** Anything thrown as ErrorData: a PmtaAcctError as it is, anything else as INTERNAL. */
export function errorData(err: unknown): ErrorData {
  if (err instanceof PmtaAcctError) return { code: err.code, detail: err.detail, at: err.at };
  return { code: 'INTERNAL', detail: messageOf(err), at: null };
}

export function errorFromData(d: ErrorData): PmtaAcctError {
  return new PmtaAcctError(d.code, d.detail, { at: d.at });
}

/** Narrow an unknown thrown value to a message without `any`. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
