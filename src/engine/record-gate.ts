/**
 * The front of every per-record path (the rollup, and query --select): read the record's type and
 * event time, report a time that does not parse, apply --since/--until and --where. One copy, so
 * that a record counted by report or query and one printed by query --select pass the same rules.
 */
import { Classifier, TimeSource } from '../classify/classifier.js';
import { createIspMap } from '../classify/isp-map.js';
import { TYPE_UNKNOWN } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import type { Header } from '../parse/header.js';
import { ProblemLog, WARNING_CODES, type Problem } from '../parse/problems.js';
import { problemAt, type RecordView } from '../parse/record-view.js';
import type { Bucketing } from '../rollup/buckets.js';
import { RecordFilter } from '../where/filter.js';
import { prepareFilter } from '../where/plan.js';
import type { EngineOptions, SinkStats } from './options.js';

function strictFailure(p: Problem): void {
  if (!WARNING_CODES.has(p.code))
    throw new PmtaAcctError('BAD_RECORD', `${p.message} (--strict)`, { at: { file: p.file, line: p.line, byte: p.byte } });
}

export class RecordGate {
  readonly problems: ProblemLog;
  readonly classifier: Classifier;
  private readonly filter: RecordFilter | null;
  private readonly since: number;
  private readonly until: number;
  private readonly ranged: boolean;
  /** Lowercase names of header columns the run reads by name (for "not in any header" warnings). */
  private readonly named: string[];

  /** `bucketing` is what the `bucket` field of --where means. */
  constructor(
    options: EngineOptions,
    public stats: SinkStats,
    bucketing: Bucketing,
    onProblem?: (p: Problem) => void,
  ) {
    const strict = options.strict ? strictFailure : undefined;
    const hook =
      strict !== undefined && onProblem !== undefined
        ? (p: Problem) => {
            strict(p);
            onProblem(p);
          }
        : (strict ?? onProblem);
    this.problems = new ProblemLog(options.keepProblems, hook);
    this.classifier = new Classifier({ isps: createIspMap(options.isps), hardCategories: new Set(options.hardCategories) });
    this.since = options.since ?? Number.NEGATIVE_INFINITY;
    this.until = options.until ?? Number.POSITIVE_INFINITY;
    this.ranged = options.since !== null || options.until !== null;
    const where = options.where ?? null;
    const prepared = where === null ? null : prepareFilter(where, { tz: options.tz, now: options.now ?? Math.floor(Date.now() / 1000) });
    this.filter = prepared === null ? null : new RecordFilter(prepared, this.classifier, bucketing);
    this.named = [...(prepared?.columns ?? [])];
  }

  /** Header columns (lowercase) the run reads by name. */
  get namedColumns(): readonly string[] {
    return this.named;
  }

  /** Header columns (lowercase) the caller reads by name besides those of --where. */
  nameColumns(columns: Iterable<string>): void {
    for (const c of columns) if (!this.named.includes(c)) this.named.push(c);
  }

  header(header: Header): void {
    this.classifier.use(header);
    this.filter?.use(header);
    const found = this.stats.columnsFound;
    for (const name of this.named) if (!found.includes(name) && header.col(name) >= 0) found.push(name);
  }

  /**
   * Read the record; true when it is to be used. False (and counted where it went) for a bad
   * time, an unknown type (when `skipUnknown`), outside the time range, or not matching --where.
   */
  admit(view: RecordView, skipUnknown: boolean): boolean {
    const c = this.classifier;
    const stats = this.stats;
    stats.records++;
    if (!c.read(view)) {
      const col = c.timeColumnName();
      this.problems.add(problemAt(view, 'BAD_TIME', `${col} '${view.text(view.header.col(col))}' is not a time`));
      return false;
    }
    if (skipUnknown && c.type === TYPE_UNKNOWN) {
      const name = c.typeText(view);
      stats.unknownTypes[name] = (stats.unknownTypes[name] ?? 0) + 1;
      return false;
    }
    if (this.ranged) {
      if (c.timeSource === TimeSource.None) {
        stats.untimed++;
        return false;
      }
      if (c.time < this.since || c.time >= this.until) {
        stats.filtered++;
        return false;
      }
    }
    if (this.filter !== null && !this.filter.test(view)) {
      stats.unmatched++;
      return false;
    }
    return true;
  }

  /** Count an admitted record as used (and its time in the event span). */
  used(): void {
    const stats = this.stats;
    const c = this.classifier;
    stats.counted++;
    if (c.timeSource !== TimeSource.None) {
      const t = c.time;
      if (stats.firstEvent === null || t < stats.firstEvent) stats.firstEvent = t;
      if (stats.lastEvent === null || t > stats.lastEvent) stats.lastEvent = t;
    }
  }
}
