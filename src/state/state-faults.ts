/**
 * What went wrong with a state directory, in the user's words. SQLite and the file system answer
 * with codes (SQLITE_CORRUPT, SQLITE_FULL, EROFS...); every place that touches the state (open,
 * migrate, commit, age, read) hands what it caught to `stateFault`, which makes it one line naming
 * the state directory, what happened and what to do, as a STATE error (exit 3). Anything that is
 * neither SQLite's nor the file system's is left alone (a bug stays a bug).
 */
import { PmtaAcctError, messageOf } from '../errors.js';

/** The kinds of fault a state can have; each has one message and one remedy. */
export type StateFaultKind = 'damaged' | 'not-a-database' | 'moved' | 'busy' | 'read-only' | 'full' | 'io' | 'missing' | 'refused';

/** Faults a retry cannot mend: tail stops writing (and says so) instead of retrying forever. */
export const FATAL_FAULTS: ReadonlySet<StateFaultKind> = new Set(['damaged', 'not-a-database', 'moved']);

/** The kind of a thrown SQLite or file-system error, or null when it is neither. */
export function faultKind(err: unknown): StateFaultKind | null {
  if (!(err instanceof Error)) return null;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_CORRUPT')) return 'damaged';
  if (code === 'SQLITE_NOTADB') return 'not-a-database';
  if (code === 'SQLITE_READONLY_DBMOVED') return 'moved';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM' ||
    code.startsWith('SQLITE_AUTH') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM'
  )
    return 'read-only';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'io';
  // Any other SQLite answer (a table that should not be there, a constraint): the state is not as
  // this pmta-acct made it.
  if (code.startsWith('SQLITE_')) return 'refused';
  return null;
}

/** How to rebuild a state from the files still on disk (README: "When things go wrong"). */
export const REBUILD_HINT =
  'move it aside and rebuild a state from the rotated files still on disk: pmta-acct tail --once --from <first day to count> --state NEW_DIR (README: When things go wrong)';

/** One line: what the fault means for this state and what to do about it. */
export function faultText(kind: StateFaultKind, dir: string, doing: string, cause: string): string {
  const at = `state ${dir}: ${doing}:`;
  switch (kind) {
    case 'damaged':
      return `${at} the state database is damaged (${cause}); nothing more is written into it; ${REBUILD_HINT}`;
    case 'not-a-database':
      return `${at} state.db is not a SQLite database (${cause}); ${REBUILD_HINT}`;
    case 'moved':
      return `${at} state.db was removed or moved while tail had it open (${cause}); nothing more can be saved there; start tail again (with --from, a new state is counted from the files on disk)`;
    case 'busy':
      return `${at} the state database stayed locked by another process for 5 s (${cause}); try again, and look for a process holding ${dir}/state.db`;
    case 'read-only':
      return `${at} the state cannot be written (${cause}): the file system is read-only or the files are not this user's; make ${dir} writable (tail needs to write there, reports need to read there)`;
    case 'full':
      return `${at} the disk holding the state is full (${cause}); free space there: nothing is lost, a re-run continues from the last commit`;
    case 'missing':
      return `${at} the state database cannot be opened (${cause}): was ${dir} removed or made unreadable?`;
    case 'refused':
      return `${at} SQLite refused (${cause}): the state is not as pmta-acct made it; if this persists, ${REBUILD_HINT}`;
    case 'io':
      return `${at} an I/O error on the state database (${cause}); check the disk under ${dir}`;
  }
}

/**
 * `err` as a STATE error naming `dir` when it is a SQLite or file-system fault; a PmtaAcctError as
 * it is; anything else (a bug) as it is.
 */
export function stateFault(dir: string, doing: string, err: unknown): unknown {
  if (err instanceof PmtaAcctError) return err;
  const kind = faultKind(err);
  if (kind === null) return err;
  return new StateFaultError(kind, faultText(kind, dir, doing, messageOf(err)), err);
}

/** A STATE error whose kind is known (tail refuses to go on in a damaged state, retries a full disk). */
export class StateFaultError extends PmtaAcctError {
  constructor(
    readonly kind: StateFaultKind,
    detail: string,
    cause: unknown,
  ) {
    super('STATE', detail, { cause });
  }
}

/** Run `fn`, translating what it throws (see stateFault). */
export function withStateFaults<T>(dir: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw stateFault(dir, doing, err);
  }
}
