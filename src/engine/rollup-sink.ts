/**
 * Records → rollup: the per-record path shared by report, query and tail. It asks the classifier
 * only for what the rollup's key needs, and reports records it cannot place (bad time) as problems.
 */
import { Classifier, TimeSource } from '../classify/classifier.js';
import { resolveField, type FieldRef } from '../classify/fields.js';
import { createIspMap } from '../classify/isp-map.js';
import { COUNTER_OF_TYPE, TYPE_D, TYPE_UNKNOWN } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import type { Header } from '../parse/header.js';
import { formatProblem, ProblemLog, WARNING_CODES, type Problem } from '../parse/problems.js';
import type { RecordSink } from '../parse/reader.js';
import { problemAt, type RecordView } from '../parse/record-view.js';
import { makeBucketing, type Bucketing } from '../rollup/buckets.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { RecordFilter } from '../query/filter.js';
import { prepareFilter } from '../query/plan.js';
import { emptyStats, type EngineOptions, type SinkStats } from './options.js';

/** The fields of the rollup's key, resolved (an unknown name is a bug of the caller). */
function resolveDims(dims: readonly string[]): FieldRef[] {
  return dims.map((d) => {
    const ref = resolveField(d);
    if (ref === null || ref.bucket) throw new PmtaAcctError('INTERNAL', `'${d}' is not a dimension`);
    return ref;
  });
}

export class RollupSink implements RecordSink {
  readonly rollup: Rollup;
  readonly problems: ProblemLog;
  readonly stats: SinkStats = emptyStats();
  readonly classifier: Classifier;
  /** Per dimension: its index in DERIVED_FIELDS, or -1 for a header column. */
  private readonly dims: Int32Array;
  private readonly dimFields: readonly FieldRef[];
  /** Per dimension: the column's position under the current header (header columns only). */
  private readonly dimCols: Int32Array;
  private readonly filter: RecordFilter | null;
  /** Lowercase names of the header columns this run reads by name. */
  private readonly namedColumns: readonly string[];
  private readonly bucketing: Bucketing | null;
  private readonly since: number;
  private readonly until: number;
  private readonly ranged: boolean;

  constructor(options: EngineOptions) {
    this.problems = new ProblemLog(options.keepProblems, options.strict ? strictFailure : undefined);
    this.classifier = new Classifier({ isps: createIspMap(options.isps), hardCategories: new Set(options.hardCategories) });
    this.rollup = new Rollup(options.dims);
    this.dimFields = resolveDims(options.dims);
    this.dims = Int32Array.from(this.dimFields.map((f) => f.derived));
    this.dimCols = new Int32Array(this.dims.length).fill(-1);
    this.bucketing = options.bucket === null ? null : makeBucketing(options.bucket, options.tz);
    const where = options.where ?? null;
    const prepared = where === null ? null : prepareFilter(where, { tz: options.tz, now: options.now ?? Math.floor(Date.now() / 1000) });
    this.filter = prepared === null ? null : new RecordFilter(prepared, this.classifier, this.bucketing ?? makeBucketing('1h', options.tz));
    const named = new Set(prepared?.columns ?? []);
    for (const f of this.dimFields) if (f.derived < 0) named.add(f.column);
    this.namedColumns = [...named];
    this.since = options.since ?? Number.NEGATIVE_INFINITY;
    this.until = options.until ?? Number.POSITIVE_INFINITY;
    this.ranged = options.since !== null || options.until !== null;
  }

  header(header: Header): void {
    this.classifier.use(header);
    this.filter?.use(header);
    this.dimFields.forEach((f, d) => {
      this.dimCols[d] = f.derived < 0 ? header.col(f.column) : -1;
    });
    const found = this.stats.columnsFound;
    for (const name of this.namedColumns) if (!found.includes(name) && header.col(name) >= 0) found.push(name);
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
    if (this.filter !== null && !this.filter.test(view)) {
      stats.unmatched++;
      return;
    }
    const rollup = this.rollup;
    const key = rollup.key;
    key[0] = rollup.bucketId(this.bucketing === null || !timed ? NO_BUCKET : this.bucketing.start(t));
    const dims = this.dims;
    const dicts = rollup.dicts;
    for (let d = 0; d < dims.length; d++) {
      const f = dims[d];
      key[d + 1] = f >= 0 ? c.dimensionId(f, view, dicts[d]) : c.columnId(this.dimCols[d], view, dicts[d]);
    }
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
