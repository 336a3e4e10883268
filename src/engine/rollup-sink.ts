/**
 * Records → rollup: the per-record path shared by report, query and tail. It asks the classifier
 * only for what the rollup's key needs, and reports records it cannot place (bad time) as problems.
 */
import { Classifier, dimensionIndex, TimeSource } from '../classify/classifier.js';
import { createIspMap } from '../classify/isp-map.js';
import { COUNTER_OF_TYPE, TYPE_D, TYPE_UNKNOWN } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import type { Header } from '../parse/header.js';
import { formatProblem, ProblemLog, WARNING_CODES, type Problem } from '../parse/problems.js';
import type { RecordSink } from '../parse/reader.js';
import { problemAt, type RecordView } from '../parse/record-view.js';
import { makeBucketing, type Bucketing } from '../rollup/buckets.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { emptyStats, type EngineOptions, type SinkStats } from './options.js';

export class RollupSink implements RecordSink {
  /** What was counted (since construction, or since the last takeDelta()). */
  rollup: Rollup;
  stats: SinkStats = emptyStats();
  readonly problems: ProblemLog;
  readonly classifier: Classifier;
  private readonly dims: Int32Array;
  private readonly bucketing: Bucketing | null;
  private readonly since: number;
  private readonly until: number;
  private readonly ranged: boolean;
  private readonly dimNames: readonly string[];

  /** `onProblem` sees every problem as it is found (tail commits them with the counts they go with). */
  constructor(options: EngineOptions, onProblem?: (p: Problem) => void) {
    const strict = options.strict ? strictFailure : undefined;
    const hook = strict !== undefined && onProblem !== undefined ? (p: Problem) => { strict(p); onProblem(p); } : (strict ?? onProblem);
    this.problems = new ProblemLog(options.keepProblems, hook);
    this.dimNames = options.dims;
    this.classifier = new Classifier({ isps: createIspMap(options.isps), hardCategories: new Set(options.hardCategories) });
    this.rollup = new Rollup(options.dims);
    this.dims = Int32Array.from(options.dims.map(dimensionIndex));
    this.bucketing = options.bucket === null ? null : makeBucketing(options.bucket, options.tz);
    this.since = options.since ?? Number.NEGATIVE_INFINITY;
    this.until = options.until ?? Number.POSITIVE_INFINITY;
    this.ranged = options.since !== null || options.until !== null;
  }

  /**
   * Hand over the rollup and stats counted so far and start afresh: `tail` commits these deltas
   * with the file offsets they belong to, so that a commit writes only what changed.
   */
  takeDelta(): { rollup: Rollup; stats: SinkStats } {
    const out = { rollup: this.rollup, stats: this.stats };
    this.rollup = new Rollup(this.dimNames);
    this.stats = emptyStats();
    return out;
  }

  header(header: Header): void {
    this.classifier.use(header);
  }

  record(view: RecordView): void {
    const c = this.classifier;
    const stats = this.stats;
    stats.records++;
    if (!c.read(view)) {
      const col = c.timeColumnName();
      this.problems.add(problemAt(view, 'BAD_TIME', `${col} '${view.text(view.header.col(col))}' is not a time`));
      return;
    }
    if (c.type === TYPE_UNKNOWN) {
      const name = c.typeText(view);
      stats.unknownTypes[name] = (stats.unknownTypes[name] ?? 0) + 1;
      return;
    }
    const t = c.time;
    const timed = c.timeSource !== TimeSource.None;
    if (this.ranged) {
      if (!timed) {
        stats.untimed++;
        return;
      }
      if (t < this.since || t >= this.until) {
        stats.filtered++;
        return;
      }
    }
    const rollup = this.rollup;
    const key = rollup.key;
    key[0] = rollup.bucketId(this.bucketing === null || !timed ? NO_BUCKET : this.bucketing.start(t));
    const dims = this.dims;
    const dicts = rollup.dicts;
    for (let d = 0; d < dims.length; d++) key[d + 1] = c.dimensionId(dims[d], view, dicts[d]);
    const g = rollup.group();
    const type = c.type;
    rollup.count(g, COUNTER_OF_TYPE[type], c.hard(view), type === TYPE_D ? c.bytes(view) : 0);
    if (type === TYPE_D) {
      const latency = c.latency(view);
      if (latency >= 0) rollup.latency(g, latency);
    }
    stats.counted++;
    if (timed) {
      if (stats.firstEvent === null || t < stats.firstEvent) stats.firstEvent = t;
      if (stats.lastEvent === null || t > stats.lastEvent) stats.lastEvent = t;
    }
  }
}

function strictFailure(p: Problem): void {
  if (!WARNING_CODES.has(p.code)) throw new PmtaAcctError('BAD_RECORD', `${formatProblem(p)} (--strict)`);
}
