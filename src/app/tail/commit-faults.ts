/**
 * What tail's failed commits add up to: the records counted in memory whose commit failed, why
 * the last one failed, and a fault no retry mends (a damaged or removed state) that ends the run.
 * At the end of a run, `endError` is the one line that says what was counted but not saved.
 */
import { messageOf, PmtaAcctError } from '../../errors.js';
import { FATAL_FAULTS, StateFaultError, stateFault } from '../../state/state-faults.js';

export class CommitFaults {
  /** Records counted whose commit failed (0 once a commit succeeds). */
  private unsavedRows = 0;
  /** Why the last commit failed (null: it did not). */
  private lastFailure: unknown = null;
  /** A fault no retry mends: nothing more is written, and the run ends with it. */
  fatal: StateFaultError | null = null;

  constructor(private readonly dir: string) {}

  succeeded(): void {
    this.unsavedRows = 0;
    this.lastFailure = null;
  }

  /**
   * A commit of `counted` more records failed with `err`: true when the run must stop (fatal),
   * else the notice to give (the counts are kept and retried).
   */
  failed(err: unknown, counted: number): { stop: true } | { stop: false; notice: string } {
    this.unsavedRows += counted;
    this.lastFailure = err;
    const fault = stateFault(this.dir, 'commit failed', err);
    if (this.stopsOn(fault)) return { stop: true };
    const what = fault instanceof PmtaAcctError ? fault.message : `state ${this.dir}: commit failed (${messageOf(fault)})`;
    return {
      stop: false,
      notice: `${what}; ${this.unsavedRows.toLocaleString('en-US')} records counted since are kept in memory with their offsets, and the commit is retried`,
    };
  }

  /** A fault met outside a commit: true when it ends the run (kept as `fatal`). */
  stopsOn(fault: unknown): boolean {
    if (!(fault instanceof StateFaultError) || !FATAL_FAULTS.has(fault.kind)) return false;
    this.fatal ??= fault;
    return true;
  }

  /**
   * At the end of a run, with `pending` records read since the last commit attempt and `unsaved`
   * true when the last commit failed: the error to end with (exit 3), or null.
   */
  endError(pending: number, unsaved: boolean): PmtaAcctError | null {
    if (this.fatal === null && !unsaved) return null;
    const rows = this.unsavedRows + pending;
    const lost = `; ${rows.toLocaleString('en-US')} records read by this run were counted but not saved (a re-run reads them again from the last commit)`;
    if (this.fatal !== null) return new StateFaultError(this.fatal.kind, `${this.fatal.detail}${lost}`, this.fatal);
    const fault = stateFault(this.dir, 'the last commit failed', this.lastFailure);
    // A failure that is no state fault (a test's injected error) is still said plainly.
    const why = fault instanceof PmtaAcctError ? fault.detail : `state ${this.dir}: the last commit failed (${messageOf(fault)})`;
    return new PmtaAcctError('STATE', `${why}${lost}`, { cause: this.lastFailure });
  }
}
