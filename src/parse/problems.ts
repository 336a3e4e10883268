/**
 * Bad records and warnings found while reading. Every one is counted; the first `keep` (by input
 * order) are kept with file, line, byte and an excerpt, so a report can show where to look.
 */
import { atPosition } from '../errors.js';

export type ProblemCode =
  | 'INVALID_CLOSING_QUOTE' // a closing quote followed by something other than a comma or line end
  | 'UNTERMINATED_QUOTE' // a quoted field still open after the line cap or at end of input
  | 'RECORD_TOO_LONG' // a record longer than the byte cap
  | 'FIELD_COUNT' // more non-empty cells than the header has columns
  | 'NO_HEADER' // a record before any header line
  | 'BAD_TIME' // the event time cannot be parsed
  | 'TRUNCATED_RECORD' // an input ended inside a record that never completed (tail)
  | 'CORRUPT_INPUT' // the input could not be read to its end (a damaged or truncated .gz)
  | 'NUL_BYTES'; // NUL bytes skipped (a crash hole, or copytruncate); a warning, not a lost record

/** Codes that are warnings: the record (if any) was still counted. */
export const WARNING_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['NUL_BYTES']);

export interface Problem {
  readonly code: ProblemCode;
  readonly file: string;
  /** 1-based physical line of the record's first byte. */
  readonly line: number;
  /** 0-based byte offset of the record's first byte (in the decompressed stream for .gz). */
  readonly byte: number;
  readonly message: string;
  /** The start of the record as read (raw text, possibly hostile: escape before display). */
  readonly excerpt: string;
}

export interface ProblemSummary {
  readonly badRecords: number;
  readonly warnings: number;
  readonly byCode: Readonly<Partial<Record<ProblemCode, number>>>;
  readonly first: readonly Problem[];
}

export const DEFAULT_KEEP = 20;

export class ProblemLog {
  badRecords = 0;
  warnings = 0;
  readonly byCode: Partial<Record<ProblemCode, number>> = {};
  readonly first: Problem[] = [];
  private readonly keep: number;
  private readonly onProblem: ((p: Problem) => void) | undefined;

  constructor(keep = DEFAULT_KEEP, onProblem?: (p: Problem) => void) {
    this.keep = keep;
    this.onProblem = onProblem;
  }

  add(p: Problem): void {
    if (WARNING_CODES.has(p.code)) this.warnings++;
    else this.badRecords++;
    this.byCode[p.code] = (this.byCode[p.code] ?? 0) + 1;
    if (this.first.length < this.keep) this.first.push(p);
    this.onProblem?.(p);
  }

  summary(): ProblemSummary {
    return { badRecords: this.badRecords, warnings: this.warnings, byCode: { ...this.byCode }, first: [...this.first] };
  }
}

/** Merge summaries of consecutive parts of the input (in input order), keeping the first `keep`. */
export function mergeProblemSummaries(parts: readonly ProblemSummary[], keep = DEFAULT_KEEP): ProblemSummary {
  let badRecords = 0;
  let warnings = 0;
  const byCode: Partial<Record<ProblemCode, number>> = {};
  const first: Problem[] = [];
  for (const part of parts) {
    badRecords += part.badRecords;
    warnings += part.warnings;
    for (const [code, n] of Object.entries(part.byCode) as [ProblemCode, number][]) {
      byCode[code] = (byCode[code] ?? 0) + n;
    }
    for (const p of part.first) if (first.length < keep) first.push(p);
  }
  return { badRecords, warnings, byCode, first };
}

export function formatProblem(p: Problem): string {
  return atPosition({ file: p.file, line: p.line, byte: p.byte }, p.message);
}
