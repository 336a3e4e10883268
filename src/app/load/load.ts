/**
 * `pmta-acct load FILES... --clickhouse URL`: archives into the `records` table, exactly once, so
 * that reads need no FINAL (records-schema.ts).
 *
 * A file is known by its content as `tail` knows it (source/file-identity.ts: the fingerprint of
 * its first data record, the same for the file and its gzipped copy). The ledger says how many
 * bytes of that content the host has loaded; only records at or after that offset become rows. A
 * grown plain file is read from that offset when the run that loaded it left a resume point
 * (resume-points.ts: the line and the header in effect there); otherwise from its start, since a
 * header re-emitted mid-file is only known by reading up to it. Rows go in batches, each in
 * three steps: a ledger row saying the batch [start, end) is begun, the batch's insert (with a
 * query id fixed by host, file and start), then the ledger row committing `end`. A load killed
 * between the first and the last leaves a begun batch: the next run waits until no insert of that
 * id runs on the server, reads which offsets of the batch the store holds (any subset: a part per
 * partition, a prefix, all or none) and inserts only the others. One load per host at a time
 * (host-lock.ts). So loading twice, a gzipped copy, a grown file and a killed-and-rerun load all
 * leave every record once in the table, not only once after FINAL.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouse } from '../../clickhouse/connection.js';
import { HEADERS_TABLE, LEDGER_TABLE, RECORDS_TABLE, RECORD_COLUMNS, type LedgerRow } from '../../clickhouse/records-schema.js';
import { RECORDS_SCHEMA } from '../../clickhouse/schema.js';
import type { RecipientKey } from '../../clickhouse/recipient-hash.js';
import { checkIdentifier, sqlInt, sqlLabel } from '../../clickhouse/sql.js';
import { engineOptionsOf, type ReadSettings } from '../../engine/options.js';
import type { RunProgress } from '../../engine/run.js';
import { PmtaAcctError } from '../../errors.js';
import { makeHeader } from '../../parse/header.js';
import { ProblemLog, mergeProblemSummaries, type Problem, type ProblemSummary } from '../../parse/problems.js';
import { RecordReader } from '../../parse/reader.js';
import { endDamaged, gunzipFile } from '../../source/feed.js';
import { fingerprintFile, gzipHasMore } from '../../source/file-identity.js';
import { describeInputs, displayName, resolveInputPaths, type InputFile } from '../../source/inputs.js';
import { requireStore } from '../../clickhouse/store-schema.js';
import { lockHost } from './host-lock.js';
import { RecordRows, type Batch } from './record-rows.js';
import { pointAt, readResumePoints, resumePointsPath, usablePoint, writeResumePoints, type ResumePoint } from './resume-points.js';

export interface LoadRequest extends ReadSettings {
  readonly inputs: readonly string[];
  readonly host: string;
  readonly key: RecipientKey;
  readonly storeAddresses: boolean;
  /** Rows per insert (default 50,000). */
  readonly batchRows?: number;
  /**
   * The files may still be written (PowerMTA's live accounting file, loaded by a timer): a plain
   * file's last record without its line end is left for the next load, not loaded cut short.
   */
  readonly live?: boolean;
  readonly onProgress?: (p: RunProgress) => void;
  /**
   * Tests only ($PMTA_ACCT_FAILPOINT): `load-before-insert:N`, `load-during-insert:N`,
   * `load-before-ledger:N` or `load-after-ledger:N` kills the process (SIGKILL) at that point of
   * the N-th batch (1-based). During the insert: half of the batch's text sent, the server writing
   * a block every 50 rows, so that a prefix of the batch is stored when the client dies.
   */
  readonly failpoint?: string;
}

export type FileStatus = 'loaded' | 'grown' | 'already' | 'empty';

export interface FileOutcome {
  readonly path: string;
  readonly status: FileStatus;
  /** Records inserted from this file in this run. */
  readonly records: number;
  /** Bytes of the content loaded before this run. */
  readonly from: number;
  /** Bytes at the end left for the next load (--live: a last record without its line end). */
  readonly waiting: number;
  /** Where this run started reading (0, or `from` when a resume point allowed it). */
  readonly readFrom: number;
}

export interface LoadResult {
  readonly files: readonly FileOutcome[];
  readonly records: number;
  readonly problems: ProblemSummary;
}

export const DEFAULT_BATCH_ROWS = 50_000;

/** How long a re-run waits for the insert of a killed load to end on the server. */
const SETTLE_MS = 120_000;

/** Inserts through a cluster's Distributed tables return once the shards wrote the rows. */
const INSERT_SETTINGS = { insert_distributed_sync: 1 } as const;

interface Failpoint {
  readonly at: 'load-before-insert' | 'load-during-insert' | 'load-before-ledger' | 'load-after-ledger';
  readonly batch: number;
}

function parseFailpoint(text: string | undefined): Failpoint | null {
  const m = /^(load-before-insert|load-during-insert|load-before-ledger|load-after-ledger):(\d+)$/.exec(text ?? '');
  return m === null ? null : { at: m[1] as Failpoint['at'], batch: Number(m[2]) };
}

class Loader {
  private batches = 0;
  /** The batch being inserted, if any. */
  private inFlight: Promise<void> | null = null;
  private readonly fail: Failpoint | null;
  private readonly db: string;
  private readonly host: string;

  constructor(
    private readonly ch: ClickHouse,
    private readonly req: LoadRequest,
  ) {
    this.fail = parseFailpoint(req.failpoint);
    this.db = checkIdentifier(ch.target.database, 'database');
    this.host = sqlLabel(req.host, '--host');
  }

  private failAt(at: Failpoint['at']): void {
    if (this.fail !== null && this.fail.at === at && this.fail.batch === this.batches) process.kill(process.pid, 'SIGKILL');
  }

  /**
   * Bytes of the file's content this host has loaded (0: none), and the end of a batch begun and
   * not committed (a load killed during its insert), if any. Ledger versions: 2 x bytes for a
   * committed row, 2 x end - 1 for a begun one, bytes for rows of loads before begun rows existed.
   */
  async loaded(fileId: string): Promise<{ bytes: number; begun: number | null }> {
    const rows = await this.ch.select<{ bytes: number; version: number }>(
      `SELECT max(bytes) AS bytes, max(version) AS version FROM ${this.db}.${LEDGER_TABLE} WHERE host = ${this.host} AND file_id = ${sqlLabel(fileId, 'file fingerprint')}`,
    );
    const bytes = rows[0]?.bytes ?? 0;
    const version = rows[0]?.version ?? 0;
    return { bytes, begun: version > 2 * bytes ? (version + 1) / 2 : null };
  }

  /** The id of the insert of a file's batch starting at `start`: a re-run can tell whether it still runs. */
  private queryId(fileId: string, start: number): string {
    const h = createHash('sha256').update(`${this.db}\n${this.req.host}\n${fileId}\n${start}`).digest('hex');
    return `pmta-acct-load-${h.slice(0, 32)}`;
  }

  /**
   * After a killed load: waits until its insert of the batch at `start` no longer runs on the server
   * (a client killed after sending the body leaves the server writing it), then returns the offsets
   * at or after `start` the store holds for the file: rows of that batch, never to be inserted again.
   */
  async settle(fileId: string, start: number): Promise<Set<number>> {
    const id = this.queryId(fileId, start);
    for (let waited = 0; ; waited += 250) {
      const running = await this.ch.select<{ n: number }>(`SELECT count() AS n FROM system.processes WHERE query_id = '${id}'`);
      if ((running[0]?.n ?? 0) === 0) break;
      if (waited >= SETTLE_MS)
        throw new PmtaAcctError(
          'STATE',
          `load: the insert of a killed load (query id ${id}) still runs on the server after ${SETTLE_MS / 1000} s`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = await this.ch.select<{ offset: number }>(
      `SELECT offset FROM ${this.db}.${RECORDS_TABLE} WHERE host = ${this.host} AND file_id = ${sqlLabel(fileId, 'file fingerprint')} AND offset >= ${sqlInt(start)}`,
    );
    return new Set(rows.map((r) => r.offset));
  }

  /** Starts inserting `batch` (from `start`) once the batch before it (and its ledger row) is in. */
  async submit(fileId: string, path: string, batch: Batch, start: number, records: number): Promise<void> {
    await this.drain();
    const p = this.flush(fileId, path, batch, start, records);
    p.catch(() => undefined); // awaited by the next submit or drain
    this.inFlight = p;
  }

  /** Waits for the batch in flight (and rethrows its fault). */
  async drain(): Promise<void> {
    const p = this.inFlight;
    this.inFlight = null;
    if (p !== null) await p;
  }

  private ledgerRow(fileId: string, path: string, bytes: number, records: number, version: number): LedgerRow {
    return { host: this.req.host, file_id: fileId, bytes, records, key_id: this.req.key.id, path, version };
  }

  private async flush(fileId: string, path: string, batch: Batch, start: number, records: number): Promise<void> {
    this.batches++;
    const begun = this.ledgerRow(fileId, path, start, records - batch.rows, 2 * batch.end - 1);
    await this.ch.insert(`${this.db}.${LEDGER_TABLE}`, [begun], INSERT_SETTINGS);
    this.failAt('load-before-insert');
    if (batch.headers.length > 0) await this.ch.insert(`${this.db}.${HEADERS_TABLE}`, batch.headers, INSERT_SETTINGS);
    const killed = this.fail !== null && this.fail.at === 'load-during-insert' && this.fail.batch === this.batches;
    await this.ch.insertTsv(
      `${this.db}.${RECORDS_TABLE}`,
      RECORD_COLUMNS,
      killed ? halfThenKill(batch.text) : batch.text,
      killed ? { ...INSERT_SETTINGS, max_insert_block_size: '50' } : INSERT_SETTINGS,
      this.queryId(fileId, start),
    );
    this.failAt('load-before-ledger');
    await this.ch.insert(`${this.db}.${LEDGER_TABLE}`, [this.ledgerRow(fileId, path, batch.end, records, 2 * batch.end)], INSERT_SETTINGS);
    this.failAt('load-after-ledger');
  }
}

/** Tests only: the first half of a batch's rows, then (once the server had time to write them) SIGKILL. */
function halfThenKill(text: Buffer): Readable {
  const half = text.subarray(0, text.lastIndexOf(10, text.length >> 1) + 1);
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      this.push(half);
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500);
    },
  });
}

/** The reader's problems before `from` are in the part an earlier load read, and reported by it. */
class ProblemsFrom extends ProblemLog {
  constructor(
    private readonly into: ProblemLog,
    private readonly from: number,
  ) {
    super(0);
  }

  override add(p: Problem): void {
    if (p.byte >= this.from) this.into.add(p);
  }
}

function streamOf(file: InputFile, start: number, onRead: (n: number) => void): Readable {
  if (file.gzip) return gunzipFile(file.path, onRead);
  const s = createReadStream(file.path, { highWaterMark: 1 << 20, start });
  s.on('data', (chunk: Buffer | string) => onRead(chunk.length));
  return s;
}

export async function runLoad(ch: ClickHouse, req: LoadRequest): Promise<LoadResult> {
  if (req.inputs.includes('-')) throw new PmtaAcctError('USAGE', 'load: standard input has no identity to load exactly once: name files');
  await requireStore(ch, RECORDS_SCHEMA);
  const files = describeInputs(resolveInputPaths(req.inputs));
  // beside the recipient hash key: every load of this host uses that key, timer or by hand
  const store = `${ch.target.endpoint}\n${ch.target.database}`;
  const lock = lockHost(store, req.host, dirname(req.key.path));
  try {
    const pointsPath = resumePointsPath(store, req.host, dirname(req.key.path));
    const points = readResumePoints(pointsPath);
    const result = await loadFiles(ch, req, files, points);
    writeResumePoints(pointsPath, points);
    return result;
  } finally {
    lock.release();
  }
}

/**
 * Loads `files` in turn. `points` holds the last run's resume points on entry and this run's on
 * return: one per file named in this run that has one, the others dropped.
 */
async function loadFiles(
  ch: ClickHouse,
  req: LoadRequest,
  files: readonly InputFile[],
  points: Map<string, ResumePoint>,
): Promise<LoadResult> {
  const last = new Map(points);
  points.clear();
  const options = engineOptionsOf({ ...req, tz: 'UTC', since: null, until: null }, [], null);
  const loader = new Loader(ch, req);
  const progress: { -readonly [K in keyof RunProgress]: RunProgress[K] } = {
    files: files.length,
    filesDone: 0,
    bytes: files.reduce((n, f) => n + f.size, 0),
    bytesDone: 0,
    records: 0,
  };
  const outcomes: FileOutcome[] = [];
  const problems: ProblemSummary[] = [];
  for (const file of files) {
    const fileId = fingerprintFile(file.path, file.gzip);
    const { bytes: from, begun } = fileId === null ? { bytes: 0, begun: null } : await loader.loaded(fileId);
    const done = fileId === null || (from > 0 && (file.gzip ? !gzipHasMore(file.path, from) : file.size <= from));
    if (done) {
      const kept = fileId === null ? undefined : last.get(fileId);
      if (fileId !== null && kept !== undefined && kept.bytes === from) points.set(fileId, kept);
      outcomes.push({ path: file.path, status: fileId === null ? 'empty' : 'already', records: 0, from, waiting: 0, readFrom: from });
      progress.bytesDone += file.size;
      progress.filesDone++;
      req.onProgress?.({ ...progress });
      continue;
    }
    const rows = new RecordRows(options, {
      host: req.host,
      fileId,
      key: req.key,
      storeAddresses: req.storeAddresses,
      batchRows: req.batchRows ?? DEFAULT_BATCH_ROWS,
    });
    rows.skipBefore = from;
    if (begun !== null) rows.present = await loader.settle(fileId, from);
    const point = file.gzip || options.header !== null ? null : usablePoint(last, fileId, from, file.path);
    const names = point === null ? options.header : point.header;
    const header = names === null ? undefined : makeHeader(names);
    const readFrom = point === null ? 0 : point.bytes;
    const reader = new RecordReader(rows, from > 0 ? new ProblemsFrom(rows.problems, from) : rows.problems, {
      file: displayName(file.path),
      chunkSize: options.chunkSize,
      maxRecordBytes: options.maxRecordBytes,
      maxRecordLines: options.maxRecordLines,
      header,
      startOffset: readFrom,
      startLine: point === null ? 1 : point.line,
    });
    if (header !== undefined) rows.header(header);
    const live = req.live === true && !file.gzip;
    let content = readFrom;
    let inserted = 0;
    let start = from;
    const flushReady = async () => {
      for (let b = rows.ready.shift(); b !== undefined; b = rows.ready.shift()) {
        inserted += b.rows;
        await loader.submit(fileId, file.path, b, start, inserted);
        start = b.end;
      }
    };
    progress.bytesDone += readFrom;
    const stream = streamOf(file, readFrom, (n) => {
      progress.bytesDone += n;
    });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        content += chunk.length;
        reader.write(chunk);
        await flushReady();
        req.onProgress?.({ ...progress, records: progress.records + rows.loaded });
      }
      if (live) reader.close();
      else reader.finish();
    } catch (err) {
      if (err instanceof PmtaAcctError) throw err;
      endDamaged(err, reader, rows.problems, 'read');
    } finally {
      stream.destroy();
    }
    // --live: the ledger ends after the last complete record; the rest is read again next time
    const end = live ? reader.offset : content;
    rows.cut(end);
    await flushReady();
    await loader.drain();
    progress.records += rows.loaded;
    progress.filesDone++;
    req.onProgress?.({ ...progress });
    problems.push(rows.problems.summary());
    const next =
      file.gzip || options.header !== null || end !== reader.offset ? null : pointAt(file.path, end, reader.line, rows.headerNames);
    if (next !== null) points.set(fileId, next);
    outcomes.push({ path: file.path, status: from > 0 ? 'grown' : 'loaded', records: rows.loaded, from, waiting: content - end, readFrom });
  }
  return { files: outcomes, records: outcomes.reduce((n, o) => n + o.records, 0), problems: mergeProblemSummaries(problems) };
}
