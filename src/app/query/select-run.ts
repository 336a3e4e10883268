/**
 * query --select: matching records printed as they are found, in input order. Files are read one
 * after another on this thread (gzip is still inflated off it), so the output keeps the files'
 * order, --limit stops reading as soon as it is reached, and memory stays bounded however many
 * records match: the caller's `write` is awaited between chunks (backpressure), never per record.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { RunProgress } from '../../engine/run.js';
import { makeHeader } from '../../parse/header.js';
import type { Problem } from '../../parse/problems.js';
import { RecordReader } from '../../parse/reader.js';
import { RecordRenderer, type RecordFormat } from '../../render/records.js';
import { endDamaged, gunzipFile, standardInput } from '../../source/feed.js';
import { displayName, type InputFile } from '../../source/inputs.js';
import { checkQuery, engineOptions, queryInputs, type QueryOptions } from './query-run.js';
import { SelectSink } from './select-sink.js';

export interface SelectRequest extends QueryOptions {
  /** Field names, or ['*'] for every column of the first header. */
  readonly select: readonly string[];
  readonly limit: number | null;
  readonly format: RecordFormat;
  /** The records go to a terminal (CSV escapes controls there). */
  readonly terminal?: boolean;
  readonly onProgress?: (p: RunProgress) => void;
}

export interface SelectResult {
  readonly files: number;
  readonly pruned: readonly string[];
  /** What was left out to read each file once, as notes. */
  readonly leftOut: readonly string[];
  readonly records: number;
  readonly matched: number;
  readonly limited: boolean;
  readonly badRecords: number;
  /** The first bad records, with where they are. */
  readonly problems: readonly Problem[];
  readonly missingColumns: readonly string[];
}

/** Write out what the sink has rendered once it holds this many characters. */
const FLUSH_AT = 256 * 1024;

async function drain(sink: SelectSink, write: (text: string) => Promise<void>, force: boolean): Promise<void> {
  if (sink.pending > 0 && (force || sink.pending >= FLUSH_AT)) await write(sink.take());
}

async function feedStreamed(stream: Readable, reader: RecordReader, sink: SelectSink, step: (n: number) => Promise<void>): Promise<void> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      reader.write(chunk);
      await step(chunk.length);
      if (sink.done) break;
    }
    if (!sink.done) reader.finish();
  } catch (err) {
    endDamaged(err, reader, sink.problems, 'read');
  } finally {
    stream.destroy();
  }
}

async function feedFile(path: string, reader: RecordReader, sink: SelectSink, step: (n: number) => Promise<void>): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    let pos = 0;
    for (;;) {
      const space = reader.space();
      const n = readSync(fd, space, 0, space.length, pos);
      if (n === 0) {
        reader.finish();
        return;
      }
      pos += n;
      reader.written(n);
      await step(n);
      if (sink.done) return;
    }
  } finally {
    closeSync(fd);
  }
}

export async function runSelect(req: SelectRequest, write: (text: string) => Promise<void>): Promise<SelectResult> {
  checkQuery(
    req,
    req.select.filter((f) => f !== '*'),
    '--select',
  );
  const { files, pruned, leftOut } = queryInputs(req);
  const options = engineOptions(req, [], req.bucket);
  const renderer = new RecordRenderer(req.format, req.terminal === true);
  const sink = new SelectSink(options, req.select, req.limit, renderer);
  const progress: { -readonly [K in keyof RunProgress]: RunProgress[K] } = {
    files: files.length,
    filesDone: 0,
    bytes: files.reduce((n, f: InputFile) => n + f.size, 0),
    bytesDone: 0,
    records: 0,
  };
  /** After each chunk: n more bytes read from disk (0 for gzip, counted by onRead). */
  const step = async (n: number) => {
    progress.bytesDone += n;
    progress.records = sink.stats.records;
    req.onProgress?.({ ...progress });
    await drain(sink, write, false);
  };
  for (const file of files) {
    if (sink.done) break;
    const reader = new RecordReader(sink, sink.problems, {
      file: displayName(file.path),
      chunkSize: options.chunkSize,
      maxRecordBytes: options.maxRecordBytes,
      maxRecordLines: options.maxRecordLines,
      header: options.header === null ? undefined : makeHeader(options.header),
    });
    if (options.header !== null) sink.header(makeHeader(options.header));
    if (file.path === '-') await feedStreamed(standardInput(), reader, sink, step);
    else if (file.gzip)
      await feedStreamed(
        gunzipFile(file.path, (n) => {
          progress.bytesDone += n;
        }),
        reader,
        sink,
        () => step(0),
      );
    else await feedFile(file.path, reader, sink, step);
    progress.filesDone++;
    req.onProgress?.({ ...progress });
  }
  sink.ensureBegun();
  await drain(sink, write, true);
  const summary = sink.problems.summary();
  const found = sink.stats.columnsFound;
  await write(
    renderer.end({
      where: req.where,
      files: progress.filesDone,
      pruned: pruned.length,
      records: sink.stats.records,
      matched: sink.stats.counted,
      limited: sink.done,
      limit: req.limit,
      badRecords: summary.badRecords,
      problems: summary.first,
    }),
  );
  return {
    files: progress.filesDone,
    pruned,
    leftOut,
    records: sink.stats.records,
    matched: sink.stats.counted,
    limited: sink.done,
    badRecords: summary.badRecords,
    problems: summary.first,
    missingColumns: files.length === 0 ? [] : sink.namedColumns.filter((c) => !found.includes(c)),
  };
}
