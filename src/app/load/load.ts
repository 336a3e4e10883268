/**
 * `pmta-acct load FILES... --clickhouse URL`: archives into the `records` table, exactly once.
 *
 * A file is known by its content as `tail` knows it (source/file-identity.ts: the fingerprint of
 * its first data record, the same for the file and its gzipped copy). The ledger says how many
 * bytes of that content the host has loaded; a file is read from its start (the headers in effect
 * must be seen) and only records at or after that offset become rows. Rows go in batches: the batch
 * is inserted, then its ledger row (bytes = the offset after the batch). A load killed between the
 * two re-inserts the batch on the next run, and the rows collapse by their key (host, file, offset)
 * in the ReplacingMergeTree, read with FINAL (records-schema.ts). So loading twice, a gzipped copy,
 * a grown file and a killed-and-rerun load all leave every record exactly once.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ClickHouse } from '../../clickhouse/connection.js';
import { HEADERS_TABLE, LEDGER_TABLE, RECORDS_TABLE, RECORD_COLUMNS, type LedgerRow } from '../../clickhouse/records-schema.js';
import { RECORDS_SCHEMA } from '../../clickhouse/schema.js';
import type { RecipientKey } from '../../clickhouse/recipient-hash.js';
import { checkIdentifier, sqlLabel } from '../../clickhouse/sql.js';
import { engineOptionsOf, type ReadSettings } from '../../engine/options.js';
import type { RunProgress } from '../../engine/run.js';
import { PmtaAcctError } from '../../errors.js';
import { makeHeader } from '../../parse/header.js';
import { mergeProblemSummaries, type ProblemSummary } from '../../parse/problems.js';
import { RecordReader } from '../../parse/reader.js';
import { endDamaged, gunzipFile } from '../../source/feed.js';
import { fingerprintFile, gzipHasMore } from '../../source/file-identity.js';
import { describeInputs, displayName, resolveInputPaths, type InputFile } from '../../source/inputs.js';
import { requireStore } from '../../clickhouse/store-schema.js';
import { RecordRows, type Batch } from './record-rows.js';

export interface LoadRequest extends ReadSettings {
  readonly inputs: readonly string[];
  readonly host: string;
  readonly key: RecipientKey;
  readonly storeAddresses: boolean;
  /** Rows per insert (default 50,000). */
  readonly batchRows?: number;
  readonly onProgress?: (p: RunProgress) => void;
  /**
   * Tests only ($PMTA_ACCT_FAILPOINT): `load-before-insert:N`, `load-before-ledger:N` or
   * `load-after-ledger:N` kills the process (SIGKILL) at that point of the N-th batch (1-based).
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
}

export interface LoadResult {
  readonly files: readonly FileOutcome[];
  readonly records: number;
  readonly problems: ProblemSummary;
}

export const DEFAULT_BATCH_ROWS = 50_000;

/** Inserts through a cluster's Distributed tables return once the shards wrote the rows. */
const INSERT_SETTINGS = { insert_distributed_sync: 1 } as const;

interface Failpoint {
  readonly at: 'load-before-insert' | 'load-before-ledger' | 'load-after-ledger';
  readonly batch: number;
}

function parseFailpoint(text: string | undefined): Failpoint | null {
  const m = /^(load-before-insert|load-before-ledger|load-after-ledger):(\d+)$/.exec(text ?? '');
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

  /** Bytes of the file's content this host has loaded (0: none). */
  async loadedBytes(fileId: string): Promise<number> {
    const rows = await this.ch.select<{ bytes: number }>(
      `SELECT max(bytes) AS bytes FROM ${this.db}.${LEDGER_TABLE} WHERE host = ${this.host} AND file_id = ${sqlLabel(fileId, 'file fingerprint')}`,
    );
    return rows[0]?.bytes ?? 0;
  }

  /** Starts inserting `batch` once the batch before it (and its ledger row) is in. */
  async submit(fileId: string, path: string, batch: Batch, records: number): Promise<void> {
    await this.drain();
    const p = this.flush(fileId, path, batch, records);
    p.catch(() => undefined); // awaited by the next submit or drain
    this.inFlight = p;
  }

  /** Waits for the batch in flight (and rethrows its fault). */
  async drain(): Promise<void> {
    const p = this.inFlight;
    this.inFlight = null;
    if (p !== null) await p;
  }

  private async flush(fileId: string, path: string, batch: Batch, records: number): Promise<void> {
    this.batches++;
    this.failAt('load-before-insert');
    if (batch.headers.length > 0) await this.ch.insert(`${this.db}.${HEADERS_TABLE}`, batch.headers, INSERT_SETTINGS);
    await this.ch.insertTsv(`${this.db}.${RECORDS_TABLE}`, RECORD_COLUMNS, batch.text, INSERT_SETTINGS);
    this.failAt('load-before-ledger');
    const row: LedgerRow = {
      host: this.req.host,
      file_id: fileId,
      bytes: batch.end,
      records,
      key_id: this.req.key.id,
      path,
      version: batch.end,
    };
    await this.ch.insert(`${this.db}.${LEDGER_TABLE}`, [row], INSERT_SETTINGS);
    this.failAt('load-after-ledger');
  }
}

function streamOf(file: InputFile, onRead: (n: number) => void): Readable {
  if (file.gzip) return gunzipFile(file.path, onRead);
  const s = createReadStream(file.path, { highWaterMark: 1 << 20 });
  s.on('data', (chunk: Buffer | string) => onRead(chunk.length));
  return s;
}

export async function runLoad(ch: ClickHouse, req: LoadRequest): Promise<LoadResult> {
  if (req.inputs.includes('-')) throw new PmtaAcctError('USAGE', 'load: standard input has no identity to load exactly once: name files');
  await requireStore(ch, RECORDS_SCHEMA);
  const files = describeInputs(resolveInputPaths(req.inputs));
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
    const from = fileId === null ? 0 : await loader.loadedBytes(fileId);
    const done = fileId === null || (from > 0 && (file.gzip ? !gzipHasMore(file.path, from) : file.size <= from));
    if (done) {
      outcomes.push({ path: file.path, status: fileId === null ? 'empty' : 'already', records: 0, from });
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
    const header = options.header === null ? undefined : makeHeader(options.header);
    const reader = new RecordReader(rows, rows.problems, {
      file: displayName(file.path),
      chunkSize: options.chunkSize,
      maxRecordBytes: options.maxRecordBytes,
      maxRecordLines: options.maxRecordLines,
      header,
    });
    if (header !== undefined) rows.header(header);
    let content = 0;
    let inserted = 0;
    const flushReady = async () => {
      for (let b = rows.ready.shift(); b !== undefined; b = rows.ready.shift()) {
        inserted += b.rows;
        await loader.submit(fileId, file.path, b, inserted);
      }
    };
    const stream = streamOf(file, (n) => {
      progress.bytesDone += n;
    });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        content += chunk.length;
        reader.write(chunk);
        await flushReady();
        req.onProgress?.({ ...progress, records: progress.records + rows.loaded });
      }
      reader.finish();
    } catch (err) {
      if (err instanceof PmtaAcctError) throw err;
      endDamaged(err, reader, rows.problems, 'read');
    } finally {
      stream.destroy();
    }
    rows.cut(content);
    await flushReady();
    await loader.drain();
    progress.records += rows.loaded;
    progress.filesDone++;
    req.onProgress?.({ ...progress });
    problems.push(rows.problems.summary());
    outcomes.push({ path: file.path, status: from > 0 ? 'grown' : 'loaded', records: rows.loaded, from });
  }
  return { files: outcomes, records: outcomes.reduce((n, o) => n + o.records, 0), problems: mergeProblemSummaries(problems) };
}
