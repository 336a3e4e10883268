/**
 * Moving bytes from files and streams into a RecordReader. Plain files are read synchronously into
 * the reader's own buffer (no copy, no await per chunk); streams (gzip, stdin) are parsed off their
 * `data` callbacks so that decompression, which runs on libuv's thread pool, overlaps parsing.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type * as Zlib from 'node:zlib';
import { messageOf } from '../errors.js';
import type { ProblemLog } from '../parse/problems.js';
import type { RecordReader } from '../parse/reader.js';
import { lazyRequire } from '../util/lazy-require.js';

/** zlib, loaded for the first .gz: a run over plain files needs none of it (a few ms of start-up). */
const zlib = lazyRequire<typeof Zlib>('node:zlib');

/**
 * Feed bytes [start, end) of a plain file, then past `end` until the record that straddles it
 * completes (the reader's endOffset stops it there). `end` = Infinity reads to the end of file.
 */
export function feedFileRange(path: string, reader: RecordReader, start: number, end: number, onRead?: (bytes: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    for (let pos = start; pos >= 0;) pos = feedBlock(fd, reader, pos, end, onRead);
  } finally {
    closeSync(fd);
  }
}

/**
 * feedFileRange, letting the event loop run after each block: for a thread that also reads a .gz,
 * whose inflate (on libuv's pool) waits for this thread to start each next block (pool.ts).
 */
export async function feedFileRangeSharing(
  path: string,
  reader: RecordReader,
  start: number,
  end: number,
  onRead?: (bytes: number) => void,
): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    for (let pos = start; pos >= 0;) {
      pos = feedBlock(fd, reader, pos, end, onRead);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

/** One block of a plain file's range into the reader: the next position, or -1 when the range is read. */
function feedBlock(fd: number, reader: RecordReader, pos: number, end: number, onRead?: (bytes: number) => void): number {
  const space = reader.space();
  const want = pos < end ? Math.min(space.length, end - pos) : space.length;
  const n = readSync(fd, space, 0, want, pos);
  if (n === 0) {
    reader.finish();
    return -1;
  }
  reader.written(n);
  onRead?.(n);
  const next = pos + n;
  if (reader.reachedEnd || (next >= end && reader.pending === 0)) return -1;
  return next;
}

/** Decompressed bytes zlib hands over at a time (its default is 16 KiB). */
const GUNZIP_CHUNK = 1 << 20;

/** Bytes queued between the stream and the parser before the stream is paused. */
const QUEUE_LIMIT = 8 << 20;

/** Feed a whole stream; resolves with the number of bytes read once the reader has finished. */
export function feedStream(stream: Readable, reader: RecordReader): Promise<number> {
  return new Promise((resolve, reject) => {
    const queue: Buffer[] = [];
    let queued = 0;
    let total = 0;
    let scheduled = false;
    let ended = false;
    let failed = false;
    /** The stream failed (a damaged .gz): what it gave before is parsed first, then the run is told. */
    let broken: unknown = null;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    // One chunk per turn of the event loop: zlib's next block is scheduled from a callback on
    // this thread, so parsing everything queued in one go would leave the decompressor idle.
    const drain = () => {
      scheduled = false;
      try {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          queued -= chunk.length;
          reader.write(chunk);
        }
        if (queue.length > 0) {
          schedule();
          return;
        }
        if (broken !== null) {
          fail(broken);
          return;
        }
        if (ended) {
          reader.finish();
          resolve(total);
          return;
        }
      } catch (err) {
        fail(err);
        return;
      }
      if (stream.isPaused() && queued < QUEUE_LIMIT) stream.resume();
    };
    const schedule = () => {
      if (!scheduled && !failed) {
        scheduled = true;
        setImmediate(drain);
      }
    };
    stream.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      queued += chunk.length;
      total += chunk.length;
      if (queued > QUEUE_LIMIT) stream.pause();
      schedule();
    });
    stream.on('end', () => {
      ended = true;
      schedule();
    });
    stream.on('error', (err) => {
      broken = err;
      schedule();
    });
  });
}

/** A gzip file as a stream of decompressed bytes; onRead counts the compressed bytes read. */
export function gunzipFile(path: string, onRead?: (bytes: number) => void): Readable {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onRead !== undefined) file.on('data', (chunk: Buffer | string) => onRead(chunk.length));
  // 1 MiB of output a block: a quarter of the hand-offs between libuv's pool, which inflates, and
  // this thread, which starts the next block; 0.1 s less CPU over a gzipped 1 M-row day than
  // 256 KiB, for gunzip alone as for a report (bench/RESULTS.md, fourth pass).
  const gunzip = zlib().createGunzip({ chunkSize: GUNZIP_CHUNK });
  file.on('error', (err) => gunzip.destroy(err));
  // a reader that stops early (query --limit) destroys the gunzip stream: close the file with it
  gunzip.on('close', () => file.destroy());
  return file.pipe(gunzip);
}

/**
 * Standard input as accounting bytes: gunzipped when it starts with gzip's magic number, as files
 * are recognised by content (`ssh mta-2 cat acct-2026-11-28-0001.csv.gz | pmta-acct report -`).
 */
export function standardInput(input: Readable = process.stdin): Readable {
  const out = new PassThrough();
  const head: Buffer[] = [];
  let headBytes = 0;
  const begin = (ended: boolean) => {
    input.off('data', onData);
    input.off('end', onEnd);
    const first = Buffer.concat(head);
    let into: Writable = out;
    if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      const gunzip = zlib().createGunzip({ chunkSize: GUNZIP_CHUNK });
      gunzip.on('error', (err) => out.destroy(err));
      gunzip.pipe(out);
      into = gunzip;
    }
    into.write(first);
    if (ended) into.end();
    else input.pipe(into);
  };
  const onData = (chunk: Buffer) => {
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= 2) begin(false);
  };
  const onEnd = () => {
    begin(true);
  };
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', (err) => out.destroy(err));
  return out;
}

/**
 * Stream a .gz file's decompressed bytes from `skip` on into `write`; resolves with the total
 * decompressed size. Rejects when the stream is damaged or ends early (or `write` throws).
 */
export function streamGzip(path: string, skip: number, write: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let total = 0;
    const gunzip = gunzipFile(path);
    gunzip.on('data', (chunk: Buffer) => {
      const from = total;
      total += chunk.length;
      if (total <= skip) return;
      try {
        write(from >= skip ? chunk : chunk.subarray(skip - from));
      } catch (err) {
        gunzip.destroy(err instanceof Error ? err : new Error(messageOf(err)));
      }
    });
    gunzip.on('end', () => resolve(total));
    gunzip.on('error', reject);
  });
}

/** Whether a .gz file decompresses to its end without error (so it is complete, not being written). */
export async function gzipComplete(path: string): Promise<boolean> {
  try {
    await streamGzip(path, Number.MAX_SAFE_INTEGER, () => undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * A stream that failed (a damaged or truncated .gz): the records read before the damage stand,
 * the rest is reported at the reader's position. A bad record under --strict is thrown on.
 */
export function endDamaged(err: unknown, reader: RecordReader, problems: ProblemLog, kept: 'counted' | 'read'): void {
  if (err instanceof Error && 'code' in err && err.code === 'BAD_RECORD') throw err;
  const cut = reader.abandon();
  const dropped = cut > 0 ? `, the ${cut} bytes of the record cut short here are not` : '';
  problems.add({
    code: 'CORRUPT_INPUT',
    file: reader.file,
    line: reader.line,
    byte: reader.offset,
    message: `the input ends early or is damaged (${messageOf(err)}); records up to here are ${kept}${dropped}`,
    excerpt: '',
  });
}
