/**
 * Records → rollup: the per-record path shared by report, query, check and tail. After the gate
 * (type, time, range, --where) it asks the classifier only for what the rollup's key needs, and,
 * when verdicts are asked for, counts the record again in the verdict windows' rollup.
 */
import type { Classifier } from '../classify/classifier.js';
import { dimensionIndex, TimeSource } from '../classify/classifier.js';
import { resolveField, type FieldRef } from '../classify/fields.js';
import { TYPE_D } from '../classify/record-type.js';
import { PmtaAcctError } from '../errors.js';
import { grownTo } from '../util/grow.js';
import type { Header } from '../parse/header.js';
import type { Problem, ProblemLog } from '../parse/problems.js';
import type { RecordSink, ScanColumns } from '../parse/reader.js';
import type { RecordView } from '../parse/record-view.js';
import { bucketSeconds, makeBucketing, type Bucketing } from '../rollup/buckets.js';
import { BOUNCED, COMPLAINTS, DEFERRED, DELIVERED, QUEUE_DEFERRED, RECEIVED, REMOTE_BOUNCED, REMOTE_STATUS } from '../rollup/counters.js';
import { keepBucketsFrom } from '../rollup/regroup.js';
import { NO_BUCKET, Rollup } from '../rollup/rollup.js';
import { tooManyGroups } from './group-limit.js';
import { emptyStats, windowKeepFrom, type EngineOptions, type SinkStats, type WindowRollupSpec } from './options.js';
import { RecordGate } from './record-gate.js';

/** The counter each known record type adds to, by type (classify/record-type.ts: TYPE_D ... TYPE_R). */
const COUNTER_OF_TYPE: readonly number[] = [
  DELIVERED,
  BOUNCED,
  DEFERRED,
  QUEUE_DEFERRED,
  COMPLAINTS,
  REMOTE_BOUNCED,
  REMOTE_STATUS,
  RECEIVED,
];

/** The fields of the rollup's key, resolved (an unknown name is a bug of the caller). */
function resolveDims(dims: readonly string[]): FieldRef[] {
  return dims.map((d) => {
    const ref = resolveField(d);
    if (ref === null || ref.bucket) throw new PmtaAcctError('INTERNAL', `'${d}' is not a dimension`);
    return ref;
  });
}

export class RollupSink implements RecordSink {
  /** What was counted (since construction, or since the last takeDelta()). */
  rollup: Rollup;
  stats: SinkStats = emptyStats();
  private readonly gate: RecordGate;
  private readonly dimNames: readonly string[];
  /** Per dimension: its index in DERIVED_FIELDS, or -1 for a header column. */
  private readonly dims: Int32Array;
  private readonly dimFields: readonly FieldRef[];
  /** Per dimension: the column's position under the current header (header columns only). */
  private readonly dimCols: Int32Array;
  private readonly bucketing: Bucketing | null;
  /** The current bucket's [lo, hi) and id: records come in time order, so most skip the arithmetic. */
  private bucketLo = Number.NaN;
  private bucketHi = Number.NaN;
  private bucketKey = 0;
  /** The verdict rollup (options.windows), counted after the main one; null when not asked for. */
  readonly windows: Rollup | null;
  private readonly windowSpec: WindowRollupSpec | null;
  private readonly windowDims: Int32Array;
  private readonly windowSeconds: number;
  private readonly windowSince: number;
  private readonly windowUntil: number;
  /** Start of the verdict bucket of the last record, and its id in the verdict rollup. */
  private windowLo = Number.NaN;
  private windowKey = 0;
  /**
   * Whether the main rollup's key holds every dimension of the verdict rollup's: a group of the main
   * rollup is then one group of the verdict rollup in each verdict bucket, remembered (per main
   * group, stamped with the verdict bucket) so that most records skip the verdict key and its probe.
   */
  private readonly windowShared: boolean;
  private windowGroupOf = new Int32Array(0);
  private windowStampOf = new Int32Array(0);
  /** Changes with the verdict bucket and with the main rollup (takeDelta): older stamps are stale. */
  private windowStamp = 1;
  /** Whether a key needs the sending IP or the ISP: then the reader interns those cells in bulk. */
  private readonly scanIp: boolean;
  private readonly scanDomain: boolean;

  /** Groups the rollups make room for at first (options.firstRoom). */
  private readonly room: number | undefined;
  /** options.maxGroups: past it, the run stops (group-limit.ts). */
  private readonly maxGroups: number;

  /** `onProblem` sees every problem as it is found (tail commits them with the counts they go with). */
  constructor(options: EngineOptions, onProblem?: (p: Problem) => void) {
    this.dimNames = options.dims;
    this.room = options.firstRoom;
    this.maxGroups = options.maxGroups ?? Number.POSITIVE_INFINITY;
    this.rollup = new Rollup(options.dims, this.room);
    this.dimFields = resolveDims(options.dims);
    this.dims = Int32Array.from(this.dimFields.map((f) => f.derived));
    this.dimCols = new Int32Array(this.dims.length).fill(-1);
    this.bucketing = options.bucket === null ? null : makeBucketing(options.bucket, options.tz);
    this.gate = new RecordGate(options, this.stats, this.bucketing ?? makeBucketing('1h', options.tz), onProblem);
    this.gate.nameColumns(this.dimFields.filter((f) => f.derived < 0).map((f) => f.column));
    const w = options.windows ?? null;
    this.windowSpec = w;
    this.windows = w === null ? null : new Rollup(w.dims, this.room);
    this.windowDims = Int32Array.from((w?.dims ?? []).map(dimensionIndex));
    this.windowSeconds = w === null ? 0 : bucketSeconds(w.bucket);
    this.windowSince = w?.since ?? Number.NEGATIVE_INFINITY;
    this.windowUntil = w?.until ?? Number.POSITIVE_INFINITY;
    this.windowShared = this.windowDims.every((d) => this.dims.includes(d));
    const keyed = [...this.dims, ...this.windowDims];
    this.scanIp = keyed.includes(dimensionIndex('ip'));
    this.scanDomain = keyed.includes(dimensionIndex('isp'));
  }

  /**
   * Hand over the rollup and stats counted so far and start afresh (in `next`, an emptied rollup of
   * the same dimensions, when given): `tail` commits these deltas with the file offsets they go with.
   */
  takeDelta(next?: Rollup): { rollup: Rollup; stats: SinkStats } {
    const out = { rollup: this.rollup, stats: this.stats };
    this.rollup = next ?? new Rollup(this.dimNames, this.room);
    this.stats = emptyStats();
    this.gate.stats = this.stats;
    // the cached bucket id and the main groups' verdict groups belong to the rollup handed over
    this.bucketLo = this.bucketHi = Number.NaN;
    this.windowStamp++;
    return out;
  }

  get problems(): ProblemLog {
    return this.gate.problems;
  }

  get classifier(): Classifier {
    return this.gate.classifier;
  }

  /**
   * The verdict rollup without the buckets no window can reach: those older than the longest window
   * before this task's own end (the run's end is never earlier, so nothing needed is dropped).
   */
  trimmedWindows(): Rollup | null {
    const w = this.windows;
    const spec = this.windowSpec;
    if (w === null || spec === null) return null;
    const last = this.stats.lastEvent;
    if (last === null) return w;
    const end = Math.min(this.windowUntil, last + 1);
    return keepBucketsFrom(w, windowKeepFrom(spec, this.windowSeconds, end));
  }

  header(header: Header): void {
    this.gate.header(header);
    this.dimFields.forEach((f, d) => {
      this.dimCols[d] = f.derived < 0 ? header.col(f.column) : -1;
    });
  }

  scanColumns(): ScanColumns {
    return this.gate.classifier.scanColumns(this.scanIp, this.scanDomain);
  }

  record(view: RecordView): void {
    if (!this.gate.admit(view, true)) return;
    const c = this.gate.classifier;
    const t = c.time;
    const timed = c.timeSource !== TimeSource.None;
    const rollup = this.rollup;
    const key = rollup.key;
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
    for (let d = 0; d < dims.length; d++) {
      const f = dims[d];
      key[d + 1] = f >= 0 ? c.dimensionId(f, view, dicts[d]) : c.columnId(this.dimCols[d], view, dicts[d]);
    }
    const g = rollup.group();
    if (g >= this.maxGroups) throw tooManyGroups(this.maxGroups, this.dimNames, this.bucketing !== null);
    const type = c.type;
    const counter = COUNTER_OF_TYPE[type];
    const hard = c.hard(view);
    const bytes = type === TYPE_D ? c.bytes(view) : 0;
    rollup.count(g, counter, hard, bytes);
    if (type === TYPE_D) {
      const latency = c.latency(view);
      if (latency >= 0) rollup.latency(g, latency);
    }
    if (this.windows !== null && timed && t >= this.windowSince && t < this.windowUntil) this.countWindow(view, t, g, counter, hard, bytes);
    this.gate.used();
  }

  /** The record just counted (in main group g), again in the verdict rollup: its fine bucket and dimensions, no latency. */
  private countWindow(view: RecordView, t: number, g: number, counter: number, hard: boolean, bytes: number): void {
    const w = this.windows as Rollup;
    if (!(t >= this.windowLo && t < this.windowLo + this.windowSeconds)) {
      const s = this.windowSeconds;
      this.windowLo = t - (((t % s) + s) % s);
      this.windowKey = w.bucketId(this.windowLo);
      this.windowStamp++;
    }
    let wg: number;
    if (g < this.windowStampOf.length && this.windowStampOf[g] === this.windowStamp) wg = this.windowGroupOf[g];
    else {
      const c = this.gate.classifier;
      const key = w.key;
      key[0] = this.windowKey;
      const dims = this.windowDims;
      for (let d = 0; d < dims.length; d++) key[d + 1] = c.dimensionId(dims[d], view, w.dicts[d]);
      wg = w.group();
      if (this.windowShared) this.rememberWindowGroup(g, wg);
    }
    w.count(wg, counter, hard, bytes);
  }

  private rememberWindowGroup(g: number, wg: number): void {
    if (g >= this.windowStampOf.length) {
      this.windowGroupOf = grownTo(this.windowGroupOf, g, 0);
      this.windowStampOf = grownTo(this.windowStampOf, g, 0);
    }
    this.windowGroupOf[g] = wg;
    this.windowStampOf[g] = this.windowStamp;
  }
}
