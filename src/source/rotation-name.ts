/**
 * PowerMTA names accounting files `<stem>-YYYY-MM-DD-NNNN<ext>` (User's Guide §11.3.1): the date
 * the file was started and a sequence number that grows with size-based rotation. Operators may
 * gzip them later (`.gz`).
 */
export interface RotationName {
  readonly stem: string;
  /** YYYY-MM-DD */
  readonly date: string;
  readonly seq: number;
  /** The extension before any `.gz` (`.csv`), or ''. */
  readonly ext: string;
}

const PATTERN = /^(.*?)-(\d{4}-\d{2}-\d{2})-(\d{4,})(\.[A-Za-z0-9]+)?(\.gz)?$/;

export function parseRotationName(name: string): RotationName | undefined {
  const m = PATTERN.exec(name);
  if (m === null) return undefined;
  return { stem: m[1], date: m[2], seq: Number(m[3]), ext: m[4] ?? '' };
}

/** Order files as PowerMTA wrote them: rotated names by date and sequence, others by name after. */
export function compareRotationNames(a: string, b: string): number {
  const ra = parseRotationName(a);
  const rb = parseRotationName(b);
  if (ra && rb) {
    if (ra.date !== rb.date) return ra.date < rb.date ? -1 : 1;
    if (ra.seq !== rb.seq) return ra.seq - rb.seq;
  } else if (ra || rb) {
    return ra ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
