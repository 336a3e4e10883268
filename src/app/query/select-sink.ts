/**
 * Records → rendered rows, for query --select: the same classifier, time range and --where filter
 * as the rollup path, then the selected fields of each matching record, until --limit. Unlike the
 * rollup, records of unknown types can be selected (they are evidence too).
 */
import { TimeSource } from '../../classify/classifier.js';
import { resolveField, type FieldRef } from '../../classify/fields.js';
import { hasSendingIp } from '../../classify/record-type.js';
import { emptyStats, type EngineOptions, type SinkStats } from '../../engine/options.js';
import { RecordGate } from '../../engine/record-gate.js';
import { PmtaAcctError } from '../../errors.js';
import type { Header } from '../../parse/header.js';
import type { ProblemLog } from '../../parse/problems.js';
import type { RecordSink, ScanColumns } from '../../parse/reader.js';
import type { RecordView } from '../../parse/record-view.js';
import { isoTime } from '../../render/format.js';
import type { Cell, RecordRenderer } from '../../render/records.js';
import { makeBucketing, type Bucketing } from '../../rollup/buckets.js';

/** `*`: every column of the first header read. */
export const ALL_COLUMNS = '*';

type Getter = (view: RecordView) => Cell;

export class SelectSink implements RecordSink {
  readonly stats: SinkStats = emptyStats();
  /** --limit was reached: the caller stops reading. */
  done = false;
  private readonly gate: RecordGate;
  private readonly bucketing: Bucketing;
  private fields: FieldRef[] | null = null;
  private getters: Getter[] = [];
  private readonly out: string[] = [];
  private outLength = 0;

  constructor(
    private readonly options: EngineOptions,
    select: readonly string[],
    private readonly limit: number | null,
    private readonly renderer: RecordRenderer,
  ) {
    this.bucketing = makeBucketing(options.bucket ?? '1h', options.tz);
    this.gate = new RecordGate(options, this.stats, this.bucketing);
    if (!(select.length === 1 && select[0] === ALL_COLUMNS)) this.useFields(select);
  }

  get problems(): ProblemLog {
    return this.gate.problems;
  }

  /** Header columns (lowercase) named by --where or --select. */
  get namedColumns(): readonly string[] {
    return this.gate.namedColumns;
  }

  private useFields(names: readonly string[]): void {
    this.fields = names.map((n) => {
      const ref = resolveField(n);
      if (ref === null) throw new PmtaAcctError('USAGE', `--select: '${n}' is not a field name`);
      return ref;
    });
    this.gate.nameColumns(this.fields.filter((f) => f.derived < 0 && !f.bucket).map((f) => f.column));
    this.emit(
      this.renderer.begin(
        this.fields.map((f) => f.name),
        this.options.where ?? null,
      ),
    );
  }

  /** Rendered text waiting to be written (characters). */
  get pending(): number {
    return this.outLength;
  }

  take(): string {
    const text = this.out.join('');
    this.out.length = 0;
    this.outLength = 0;
    return text;
  }

  /** Begin the output if no header ever came (so even an empty result is well-formed). */
  ensureBegun(): void {
    if (this.fields === null) this.useFields([]);
  }

  private emit(text: string): void {
    if (text === '') return;
    this.out.push(text);
    this.outLength += text.length;
  }

  header(header: Header): void {
    if (this.fields === null) this.useFields(header.names.map((n) => n.trim()).filter((n) => resolveField(n) !== null));
    this.gate.header(header);
    this.getters = (this.fields ?? []).map((f) => this.getter(f, header));
  }

  private getter(f: FieldRef, header: Header): Getter {
    const cls = this.gate.classifier;
    if (f.bucket) {
      const tz = this.options.tz;
      return () => (cls.timeSource === TimeSource.None ? null : isoTime(this.bucketing.start(cls.time), tz));
    }
    switch (f.name) {
      case 'isp':
        return (v) => cls.isp(v);
      case 'domain':
        return (v) => cls.domain(v);
      case 'outcome':
        return (v) => cls.outcome(v);
      case 'job':
        return (v) => cls.job(v);
      case 'diag':
        return (v) => cls.diag(v);
      case 'hard':
        return (v) => cls.hard(v);
      case 'latency':
        return (v) => {
          const s = cls.latency(v);
          return s < 0 ? null : s;
        };
      default:
        break;
    }
    const c = header.col(f.column);
    if (f.name === 'ip') return (v) => (hasSendingIp(cls.type) ? v.text(c) : '');
    return (v) => v.text(c);
  }

  /** The event time and timeQueued are parsed in bulk by the reader (RecordSink.scanColumns). */
  scanColumns(): ScanColumns {
    return this.gate.classifier.scanColumns(false, false);
  }

  record(view: RecordView): void {
    if (this.done || !this.gate.admit(view, false)) return;
    const cells: Cell[] = this.getters.map((g) => g(view));
    this.emit(this.renderer.row(cells));
    this.gate.used();
    if (this.limit !== null && this.stats.counted >= this.limit) this.done = true;
  }
}
