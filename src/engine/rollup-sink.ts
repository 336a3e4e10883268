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
  readonly rollup: Rollup;
  readonly problems: ProblemLog;
  readonly stats: SinkStats = emptyStats();
  readonly classifier: Classifier;
  private readonly dims: Int32Array;
  private readonly bucketing: Bucketing | null;
  private readonly since: number;
  private readonly until: number;
  private readonly ranged: boolean;
  private bucketLo = Number.NaN;
  private bucketHi = Number.NaN;
  private bucketKey = 0;

  constructor(options: EngineOptions) {
    this.problems = new ProblemLog(options.keepProblems, options.strict ? strictFailure : undefined);
    this.classifier = new Classifier({ isps: createIspMap(options.isps), hardCategories: new Set(options.hardCategories) });
    this.rollup = new Rollup(options.dims);
    this.dims = Int32Array.from(options.dims.map(dimensionIndex));
    this.bucketing = options.bucket === null ? null : makeBucketing(options.bucket, options.tz);
    this.since = options.since ?? Number.NEGATIVE_INFINITY;
    this.until = options.until ?? Number.POSITIVE_INFINITY;
    this.ranged = options.since !== null || options.until !== null;
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
    // Records come in time order: keep the current bucket's range and id while t stays inside.
    if (!(t >= this.bucketLo && t < this.bucketHi)) {
      if (this.bucketing === null) {
        this.bucketLo = Number.NEGATIVE_INFINITY;
        this.bucketHi = Number.POSITIVE_INFINITY;
        this.bucketKey = rollup.bucketId(NO_BUCKET);
      } else if (!timed) {
        this.bucketLo = this.bucketHi = Number.NaN;
        this.bucketKey = rollup.bucketId(NO_BUCKET);
      } else {
        this.bucketLo = this.bucketing.start(t);
        this.bucketHi = this.bucketing.next(this.bucketLo);
        this.bucketKey = rollup.bucketId(this.bucketLo);
      }
    }
    key[0] = this.bucketKey;
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
