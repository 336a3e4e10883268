/**
 * Records → rollup: the per-record path shared by report, query and tail. After the gate (type,
 * time, range, --where) it asks the classifier only for what the rollup's key needs.
 */
import type { Classifier } from '../classify/classifier.js';
import { TimeSource } from '../classify/classifier.js';
import { resolveField, type FieldRef } from '../classify/fields.js';
import { COUNTER_OF_TYPE, TYPE_D } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import type { Header } from '../parse/header.js';
import type { ProblemLog } from '../parse/problems.js';
import type { RecordSink } from '../parse/reader.js';
import type { RecordView } from '../parse/record-view.js';
import { makeBucketing, type Bucketing } from '../rollup/buckets.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { emptyStats, type EngineOptions, type SinkStats } from './options.js';
import { RecordGate } from './record-gate.js';

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
  readonly stats: SinkStats = emptyStats();
  private readonly gate: RecordGate;
  /** Per dimension: its index in DERIVED_FIELDS, or -1 for a header column. */
  private readonly dims: Int32Array;
  private readonly dimFields: readonly FieldRef[];
  /** Per dimension: the column's position under the current header (header columns only). */
  private readonly dimCols: Int32Array;
  private readonly bucketing: Bucketing | null;

  constructor(options: EngineOptions) {
    this.rollup = new Rollup(options.dims);
    this.dimFields = resolveDims(options.dims);
    this.dims = Int32Array.from(this.dimFields.map((f) => f.derived));
    this.dimCols = new Int32Array(this.dims.length).fill(-1);
    this.bucketing = options.bucket === null ? null : makeBucketing(options.bucket, options.tz);
    this.gate = new RecordGate(options, this.stats, this.bucketing ?? makeBucketing('1h', options.tz));
    this.gate.nameColumns(this.dimFields.filter((f) => f.derived < 0).map((f) => f.column));
  }

  get problems(): ProblemLog {
    return this.gate.problems;
  }

  get classifier(): Classifier {
    return this.gate.classifier;
  }

  header(header: Header): void {
    this.gate.header(header);
    this.dimFields.forEach((f, d) => {
      this.dimCols[d] = f.derived < 0 ? header.col(f.column) : -1;
    });
  }

  record(view: RecordView): void {
    if (!this.gate.admit(view, true)) return;
    const c = this.gate.classifier;
    const rollup = this.rollup;
    const key = rollup.key;
    key[0] = rollup.bucketId(this.bucketing === null || c.timeSource === TimeSource.None ? NO_BUCKET : this.bucketing.start(c.time));
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
    this.gate.used();
  }
}
