/**
 * One unit of work: a whole input, or a byte range of a large plain file, read into a fresh
 * RollupSink. Runs the same in the main thread and in a worker thread.
 */
import { makeHeader } from '../parse/header.js';
import type { ProblemSummary } from '../parse/problems.js';
import { RecordReader } from '../parse/reader.js';
import { ScannerPool } from '../parse/scanner.js';
import { Rollup, type RollupData } from '../rollup/rollup.js';
import { endDamaged, feedFileRange, feedFileRangeSharing, feedStream, gunzipFile, standardInput } from '../source/feed.js';
import { displayName } from '../source/inputs.js';
import type { EngineOptions, SinkStats } from './options.js';
import { RollupSink } from './rollup-sink.js';

export interface Task {
  /** Position in the run's task list (input order). */
  readonly index: number;
  /** Index of the input file this task reads. */
  readonly file: number;
  readonly path: string;
  readonly gzip: boolean;
  /** Byte range [start, end) of a plain file; end = Infinity to read to the end. */
  readonly start: number;
  readonly end: number;
  /** Header names assumed in effect at `start` (null: none yet). */
  readonly header: readonly string[] | null;
}

export interface TaskResult {
  readonly index: number;
  /**
   * The rollup as counted, on the thread that ran the task (merging it into an empty run's rollup
   * is taking it as it is); serialized (`serialize`) to cross from a worker thread.
   */
  readonly rollup: Rollup | RollupData;
  /** The verdict rollup (options.windows) without buckets no window can reach, or null. */
  readonly windows: Rollup | RollupData | null;
  readonly problems: ProblemSummary;
  readonly stats: SinkStats;
  /** Offset just after the last record that started before `end`. */
  readonly endedAt: number;
  /** LF bytes in [start, endedAt): where the next task's line numbers start. */
  readonly lines: number;
  /** Header in effect at endedAt, and whether the task read a header row itself. */
  readonly lastHeader: readonly string[] | null;
  readonly sawHeader: boolean;
  /** Bytes of the records this task read (decompressed for .gz). */
  readonly bytes: number;
}

/** Progress of a task: input bytes read (on disk, so compressed for .gz) and records, since the last call. */
export type TaskProgress = (bytes: number, records: number) => void;

/** Calls `report` at most every 200 ms with what was read since, and once more at the end. */
function throttled(sink: RollupSink, report: TaskProgress): { read: (n: number) => void; flush: () => void } {
  let bytes = 0;
  let records = 0;
  let last = Date.now();
  const flush = () => {
    report(bytes, sink.stats.records - records);
    bytes = 0;
    records = sink.stats.records;
    last = Date.now();
  };
  return {
    read(n) {
      bytes += n;
      if (Date.now() - last >= 200) flush();
    },
    flush,
  };
}

/**
 * The scanners of this thread's tasks, one taken at a time: a scanner's WebAssembly memory is
 * megabytes, and on this project's machine kind every page a process touches for the first time
 * costs about 13 us (a fresh scanner per byte range cost 5-10 ms of page faults alone).
 */
const scanners = new ScannerPool();

/**
 * Streams this thread is reading: a plain task read meanwhile lets the event loop run after each
 * block, so that the stream's next block is started (thread-loop.ts).
 */
let streamsOpen = 0;

/** A task's result as it crosses from a worker thread: the rollups serialized. */
export interface PostedTaskResult extends TaskResult {
  readonly rollup: RollupData;
  readonly windows: RollupData | null;
}

/** runTask, with the rollups serialized to post to another thread (transferable buffers). */
export async function runTaskToPost(task: Task, options: EngineOptions, onProgress?: TaskProgress): Promise<PostedTaskResult> {
  const result = await runTask(task, options, onProgress);
  return { ...result, rollup: serialized(result.rollup), windows: result.windows === null ? null : serialized(result.windows) };
}

/** The task's rollup, done with: its own arrays, to transfer (the thread is done with them). */
function serialized(r: Rollup | RollupData): RollupData {
  return r instanceof Rollup ? r.view() : r;
}

export async function runTask(task: Task, options: EngineOptions, onProgress?: TaskProgress): Promise<TaskResult> {
  const sink = new RollupSink(options);
  const progress = onProgress === undefined ? undefined : throttled(sink, onProgress);
  const reader = new RecordReader(sink, sink.problems, {
    scanners,
    file: displayName(task.path),
    chunkSize: options.chunkSize,
    maxRecordBytes: options.maxRecordBytes,
    maxRecordLines: options.maxRecordLines,
    header: task.header === null ? undefined : makeHeader(task.header),
    startOffset: task.start,
    endOffset: task.end,
  });
  if (task.header !== null) sink.header(makeHeader(task.header));
  let bytes: number;
  if (task.gzip || task.path === '-') {
    const stream = task.path === '-' ? standardInput() : gunzipFile(task.path, progress?.read);
    streamsOpen++;
    try {
      bytes = await feedStream(stream, reader);
    } catch (err) {
      endDamaged(err, reader, sink.problems, 'counted');
      bytes = reader.offset;
    } finally {
      streamsOpen--;
    }
  } else {
    if (streamsOpen > 0) await feedFileRangeSharing(task.path, reader, task.start, task.end, progress?.read);
    else feedFileRange(task.path, reader, task.start, task.end, progress?.read);
    bytes = reader.offset - task.start;
  }
  progress?.flush();
  reader.close();
  return {
    index: task.index,
    rollup: sink.rollup,
    windows: sink.trimmedWindows(),
    problems: sink.problems.summary(),
    stats: sink.stats,
    endedAt: reader.offset,
    lines: reader.line - 1,
    lastHeader: reader.header === undefined ? null : reader.header.names,
    sawHeader: reader.headers > 0,
    bytes,
  };
}
