/**
 * Records → rows of the `records` table, for `load`: the same reader, gate (type, time, bad times
 * reported as bad records) and classifier as report and query, so a stored record carries exactly
 * the derived values (isp, domain, job, outcome, diag template, latency...) that query over the
 * files computes. Records before `skipBefore` (the part of the file already loaded) are left
 * alone; rows are cut into batches whose `end` is the offset of the first record not in them.
 * Rows are written straight into TabSeparated text (clickhouse/tsv.ts) in the order of
 * RECORD_COLUMNS; a header goes once into `record_headers` (with the first batch that uses it).
 */
import { DERIVED_FIELDS, DIAG_INDEX, HARD_INDEX, OUTCOME_INDEX } from '../../classify/fields.js';
import { TimeSource } from '../../classify/classifier.js';
import { TYPE_UNKNOWN } from '../../classify/record-type.js';
import { NO_TIME, headerIdOf, keysOf, timeColumnsOf, type HeaderRow } from '../../clickhouse/records-schema.js';
import { TYPED_COLUMN } from '../../clickhouse/records-sql.js';
import { recipientHash, type RecipientKey } from '../../clickhouse/recipient-hash.js';
import { tsvNumbers, tsvString, tsvStrings } from '../../clickhouse/tsv.js';
import { emptyStats, type EngineOptions, type SinkStats } from '../../engine/options.js';
import { RecordGate } from '../../engine/record-gate.js';
import type { Header } from '../../parse/header.js';
import type { ProblemLog } from '../../parse/problems.js';
import type { RecordSink, ScanColumns } from '../../parse/reader.js';
import type { RecordView } from '../../parse/record-view.js';
import { parseTimestamp } from '../../parse/time.js';
import { binOf } from '../../rollup/latency.js';
import { makeBucketing } from '../../rollup/buckets.js';
import { Dictionary } from '../../util/dictionary.js';

export interface Batch {
  /** The rows as TabSeparated text (RECORD_COLUMNS), UTF-8. */
  readonly text: Buffer;
  readonly rows: number;
  /** Headers first used in this batch: inserted before its rows. */
  readonly headers: readonly HeaderRow[];
  /** Offset of the first record after the batch (or the bytes read, at the end of the file). */
  readonly end: number;
}

export interface RowOptions {
  readonly host: string;
  readonly fileId: string;
  readonly key: RecipientKey;
  readonly storeAddresses: boolean;
  readonly batchRows: number;
}

/** Values per derived field are interned; a dictionary is started afresh past this many values. */
const DICT_LIMIT = 100_000;
const D_ISP = 0;
const D_IP = 1;
const D_VMTA = 2;
const D_POOL = 3;
const D_JOB = 4;
const D_DOMAIN = 5;
const D_CAT = 6;
const D_TYPE = 7;

interface HeaderShape {
  id: string;
  /** Columns whose cell is not kept in col_values (a typed twin holds it, or rcpt). */
  blank: boolean[];
  rcpt: number;
  status: number;
  diag: number;
  times: number[];
}

/** A buffer of at least `need` bytes holding the first `used` bytes of `buf`. */
function grown(buf: Buffer, used: number, need: number): Buffer {
  const out = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
  buf.copy(out, 0, 0, used);
  return out;
}

export class RecordRows implements RecordSink {
  readonly stats: SinkStats = emptyStats();
  private readonly gate: RecordGate;
  private readonly dicts = DERIVED_FIELDS.map(() => new Dictionary());
  private shape: HeaderShape = { id: headerIdOf([]), blank: [], rcpt: -1, status: -1, diag: -1, times: [] };
  /**
   * The batch's rows, written as UTF-8 as each row is made: a row's string dies young, where
   * 50,000 rows held as strings until the insert cost more in garbage collection than the rest.
   */
  private buf: Buffer = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  private count = 0;
  private headers: HeaderRow[] = [];
  private readonly headerIds = new Set<string>();
  /** The fixed leading fields of every row: host and file. */
  private readonly lead: string;
  /** Batches complete and waiting to be inserted. */
  readonly ready: Batch[] = [];
  /** Records at offsets before this were loaded by an earlier run. */
  skipBefore = 0;
  /** Offsets a killed run's last batch stored (load.ts settle): not inserted again. */
  present: ReadonlySet<number> | null = null;
  /** Records handed to `rows` in this run. */
  loaded = 0;
  /** The names of the header in effect (null before the first). */
  headerNames: readonly string[] | null = null;

  constructor(
    options: EngineOptions,
    private readonly opts: RowOptions,
  ) {
    this.gate = new RecordGate({ ...options, where: null, since: null, until: null }, this.stats, makeBucketing('1h', options.tz));
    this.lead = `${tsvString(opts.host)}\t${tsvString(opts.fileId)}\t`;
  }

  get problems(): ProblemLog {
    return this.gate.problems;
  }

  header(header: Header): void {
    this.gate.header(header);
    this.headerNames = header.names;
    const names = header.names.map((n) => n.trim());
    const keys = keysOf(names);
    const id = headerIdOf(names);
    if (!this.headerIds.has(id)) {
      this.headerIds.add(id);
      this.headers.push({ header_id: id, names });
    }
    const rcpt = header.col('rcpt');
    this.shape = {
      id,
      blank: keys.map((k, i) => TYPED_COLUMN[k] !== undefined || i === rcpt),
      rcpt,
      status: header.col('dsnstatus'),
      diag: header.col('dsndiag'),
      times: timeColumnsOf(keys),
    };
  }

  scanColumns(): ScanColumns {
    return this.gate.classifier.scanColumns(false, false);
  }

  private value(d: number, view: RecordView): string {
    let dict = this.dicts[d];
    if (dict.size >= DICT_LIMIT) dict = this.dicts[d] = new Dictionary();
    return dict.values[this.gate.classifier.dimensionId(d, view, dict)];
  }

  record(view: RecordView): void {
    if (view.offset < this.skipBefore || this.present?.has(view.offset) === true) return;
    if (!this.gate.admit(view, false)) return;
    this.gate.used();
    if (this.count >= this.opts.batchRows) this.cut(view.offset);
    const row = this.rowOf(view);
    if (this.pos + row.length * 3 > this.buf.length) this.buf = grown(this.buf, this.pos, this.pos + row.length * 3);
    this.pos += this.buf.write(row, this.pos);
    this.count++;
    this.loaded++;
  }

  /** The rows so far as a batch ending at `end`. */
  cut(end: number): void {
    this.ready.push({ text: this.buf.subarray(0, this.pos), rows: this.count, headers: this.headers, end });
    // the batch keeps its bytes until inserted; the next one gets a buffer of the size it grew to
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    this.count = 0;
    this.headers = [];
  }

  /** One row of RECORD_COLUMNS as a TabSeparated line. */
  private rowOf(view: RecordView): string {
    const c = this.gate.classifier;
    const s = this.shape;
    const timed = c.timeSource !== TimeSource.None;
    const latency = c.latency(view);
    const values: string[] = [];
    for (let i = 0; i < s.blank.length; i++) values.push(s.blank[i] ? '' : view.text(i));
    const address = s.rcpt >= 0 ? view.text(s.rcpt) : '';
    const times: number[] = [];
    for (const i of s.times) {
      const t = i < view.n ? parseTimestamp(view.bytes, view.fieldStart(i), view.fieldEnd(i)) : Number.NaN;
      times.push(Number.isNaN(t) ? NO_TIME : t);
    }
    const str = (d: number) => tsvString(this.value(d, view));
    return `${this.lead}${view.offset}\t${view.line}\t${timed ? c.time : 0}\t${timed ? 1 : 0}\t${str(D_TYPE)}\t${
      c.type === TYPE_UNKNOWN ? 255 : c.type
    }\t${str(D_ISP)}\t${str(D_IP)}\t${str(D_VMTA)}\t${str(D_POOL)}\t${str(D_JOB)}\t${str(D_DOMAIN)}\t${str(D_CAT)}\t${str(
      OUTCOME_INDEX,
    )}\t${this.value(HARD_INDEX, view) === 'true' ? 1 : 0}\t${latency}\t${latency < 0 ? -1 : binOf(latency)}\t${c.bytes(view)}\t${tsvString(
      view.text(s.status),
    )}\t${tsvString(view.text(s.diag))}\t${str(DIAG_INDEX)}\t${recipientHash(this.opts.key, address)}\t${
      this.opts.storeAddresses ? tsvString(address) : ''
    }\t${s.id}\t${tsvStrings(values)}\t${tsvNumbers(times)}\n`;
  }
}
