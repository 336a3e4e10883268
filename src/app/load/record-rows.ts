/**
 * Records → rows of the `records` table, for `load`: the same reader, gate (type, time, bad times
 * reported as bad records) and classifier as report and query, so a stored record carries exactly
 * the derived values (isp, domain, job, outcome, diag template, latency...) that query over the
 * files computes. Records before `skipBefore` (the part of the file already loaded) are left
 * alone; rows are cut into batches whose `end` is the offset of the first record not in them.
 */
import { DERIVED_FIELDS, DIAG_INDEX, HARD_INDEX, OUTCOME_INDEX } from '../../classify/fields.js';
import { TimeSource } from '../../classify/classifier.js';
import { TYPE_UNKNOWN } from '../../classify/record-type.js';
import type { RecordRow } from '../../clickhouse/records-schema.js';
import { recipientHash, type RecipientKey } from '../../clickhouse/recipient-hash.js';
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
  readonly rows: RecordRow[];
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
  names: string[];
  keys: string[];
  rcpt: number;
  status: number;
  diag: number;
  times: number[];
}

export class RecordRows implements RecordSink {
  readonly stats: SinkStats = emptyStats();
  private readonly gate: RecordGate;
  private readonly dicts = DERIVED_FIELDS.map(() => new Dictionary());
  private shape: HeaderShape = { names: [], keys: [], rcpt: -1, status: -1, diag: -1, times: [] };
  private rows: RecordRow[] = [];
  /** Batches complete and waiting to be inserted. */
  readonly ready: Batch[] = [];
  /** Records at offsets before this were loaded by an earlier run. */
  skipBefore = 0;
  /** Records handed to `rows` in this run. */
  loaded = 0;

  constructor(
    options: EngineOptions,
    private readonly opts: RowOptions,
  ) {
    this.gate = new RecordGate({ ...options, where: null, since: null, until: null }, this.stats, makeBucketing('1h', options.tz));
  }

  get problems(): ProblemLog {
    return this.gate.problems;
  }

  header(header: Header): void {
    this.gate.header(header);
    const names = header.names.map((n) => n.trim());
    const keys = names.map((n) => n.toLowerCase());
    this.shape = {
      names,
      keys,
      rcpt: header.col('rcpt'),
      status: header.col('dsnstatus'),
      diag: header.col('dsndiag'),
      times: keys.flatMap((k, i) => (k.startsWith('time') && keys.indexOf(k) === i ? [i] : [])),
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
    if (view.offset < this.skipBefore) return;
    if (!this.gate.admit(view, false)) return;
    this.gate.used();
    if (this.rows.length >= this.opts.batchRows) this.cut(view.offset);
    this.rows.push(this.rowOf(view));
    this.loaded++;
  }

  /** The rows so far as a batch ending at `end`. */
  cut(end: number): void {
    this.ready.push({ rows: this.rows, end });
    this.rows = [];
  }

  private rowOf(view: RecordView): RecordRow {
    const c = this.gate.classifier;
    const s = this.shape;
    const timed = c.timeSource !== TimeSource.None;
    const latency = c.latency(view);
    const values = s.keys.map((_, i) => view.text(i));
    const address = s.rcpt >= 0 ? values[s.rcpt] : '';
    if (s.rcpt >= 0 && !this.opts.storeAddresses) values[s.rcpt] = '';
    const timeValues: number[] = [];
    const timeKeys: string[] = [];
    for (const i of s.times) {
      if (i >= view.n) continue;
      const t = parseTimestamp(view.bytes, view.fieldStart(i), view.fieldEnd(i));
      if (Number.isNaN(t)) continue;
      timeKeys.push(s.keys[i]);
      timeValues.push(t);
    }
    return {
      host: this.opts.host,
      file_id: this.opts.fileId,
      offset: view.offset,
      line: view.line,
      time: timed ? c.time : 0,
      timed: timed ? 1 : 0,
      type: this.value(D_TYPE, view),
      type_code: c.type === TYPE_UNKNOWN ? 255 : c.type,
      isp: this.value(D_ISP, view),
      ip: this.value(D_IP, view),
      vmta: this.value(D_VMTA, view),
      pool: this.value(D_POOL, view),
      job: this.value(D_JOB, view),
      domain: this.value(D_DOMAIN, view),
      bounce_cat: this.value(D_CAT, view),
      outcome: this.value(OUTCOME_INDEX, view),
      hard: this.value(HARD_INDEX, view) === 'true' ? 1 : 0,
      latency,
      latency_bin: latency < 0 ? -1 : binOf(latency),
      size: c.bytes(view),
      dsn_status: view.text(s.status),
      dsn_diag: view.text(s.diag),
      diag: this.value(DIAG_INDEX, view),
      rcpt_hash: recipientHash(this.opts.key, address),
      rcpt: this.opts.storeAddresses ? address : '',
      col_names: s.names,
      col_keys: s.keys,
      col_values: values,
      time_keys: timeKeys,
      time_values: timeValues,
    };
  }
}
