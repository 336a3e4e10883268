/** Where text goes: stdout, a file (written whole, then renamed into place), stderr warnings. */
import { closeSync, createWriteStream, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { PmtaAcctError, messageOf } from '../errors.js';
import { terminalSafe } from '../render/sanitize.js';
import { stdoutIsTerminal } from './std-streams.js';

export function writeOutput(text: string, file: string | undefined): void {
  if (file === undefined || file === '-') {
    // written now, as writeStdoutNow says: no process.stdout to make (std-streams.ts) nor to wait for at the end
    writeStdoutNow(text);
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Text on stdout now, whatever stdout is. Writes to a pipe are otherwise queued until the event
 * loop runs, and a `tail --once` catch-up never yields to it: its JSON lines piled up in memory
 * (twice the peak RSS over 14 days of files). A full pipe is waited for, 1 ms at a time, so the
 * reader sets the pace; a closed one (`| head`) ends the process quietly, as grep does (what was
 * counted is committed before its lines are written).
 */
export function writeStdoutNow(text: string): void {
  writeAll(1, Buffer.from(text));
}

/** A write to standard output or an output file that failed (a full disk...): one line naming where. */
export function outputError(name: string, err: unknown): PmtaAcctError {
  return new PmtaAcctError('OUTPUT', `${name}: cannot write (${messageOf(err)})`);
}

/**
 * All of `bytes` to a file descriptor (stdout: as writeStdoutNow says). A write that fails (a full
 * disk under `> file`) is an OUTPUT error naming where: `tail --format ndjson` writes its lines
 * inside a commit, where a bare ENOSPC read as the state's disk being full.
 */
function writeAll(fd: number, bytes: Uint8Array, name = 'standard output'): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EPIPE' && fd === 1) process.exit(process.exitCode ?? 0);
      else throw outputError(name, err);
    }
  }
}

/** Bytes of output gathered before they are written (the buffer is made once, on first use). */
const CHUNK = 1 << 18;
let scratch: Buffer | null = null;

/**
 * Text made in pieces (a report's JSON, json.ts), written as it is made: stdout (as writeStdoutNow) or
 * a file, under a temporary name renamed into place at the end. Each piece is encoded straight into
 * one buffer, written when full: a big report is never one string nor one buffer of its size (at
 * 1 M rows, a 4.6 MB string and its UTF-8 copy in fresh memory, whose first touches and collection
 * cost more than writing it; bench/RESULTS.md), nor pieces joined into strings that V8 would copy
 * again to encode them.
 */
export function writePieces(pieces: Iterable<string>, file: string | undefined): void {
  const toFile = file !== undefined && file !== '-';
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = toFile ? openSync(tmp, 'w') : 1;
  const name = toFile ? file : 'standard output';
  try {
    const buf = (scratch ??= Buffer.allocUnsafe(CHUNK));
    let used = 0;
    for (const p of pieces) {
      // a UTF-16 code unit is at most 3 bytes of UTF-8 (a pair of them, 4)
      if (used + p.length * 3 > CHUNK) {
        writeAll(fd, buf.subarray(0, used), name);
        used = 0;
      }
      if (p.length * 3 > CHUNK) writeAll(fd, Buffer.from(p), name);
      else used += buf.write(p, used);
    }
    writeAll(fd, buf.subarray(0, used), name);
  } catch (err) {
    // a renderer that failed half-way leaves no partial file behind
    if (toFile) rmSync(tmp, { force: true });
    throw err;
  } finally {
    if (toFile) closeSync(fd);
  }
  if (toFile) renameSync(tmp, file);
}

/**
 * Pieces of text on stdout now (writeStdoutNow), joined into writes of about 4 KiB: what is held
 * between writes survives V8's young-generation collections, and the bytes that survive them are
 * what makes V8 double its young generation. With 64 KiB writes, a tail --once over 14 days of a
 * 1 M-record server peaked at 118 MB against 84 MB for one day; with 4 KiB, 100 against 83
 * (bench:state --full --days 1,7,14), in the same time.
 */
export function writePiecesNow(pieces: Iterable<string>): void {
  let chunk = '';
  for (const p of pieces) {
    chunk += p;
    if (chunk.length >= 4096) {
      writeStdoutNow(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') writeStdoutNow(chunk);
}

/** A message on stderr; each line is made terminal-safe (a --where error has a caret line). */
export function warn(message: string): void {
  process.stderr.write(`pmta-acct: ${message.split('\n').map(terminalSafe).join('\n')}\n`);
}

/**
 * After a report or query written in a format that does not list bad records (all but the table):
 * how many there were, where the first is, and where to see them all; and the records of record
 * types pmta-acct does not know, which no CSV or NDJSON line could tell of (nothing left out silently).
 */
export function warnBadRecords(
  input: {
    readonly badRecords: number;
    readonly problems: readonly { readonly file: string; readonly line: number }[];
    readonly unknownTypes?: Readonly<Record<string, number>>;
  },
  format: string,
): void {
  const n = input.badRecords;
  if (n > 0) {
    const first = input.problems[0];
    const where = first === undefined ? '' : ` (first: ${first.file}:${first.line})`;
    const all = format === 'json' ? 'see input.problems' : '--format json lists them in input.problems';
    warn(`${n} bad record${n === 1 ? '' : 's'}${where}; ${all}`);
  }
  const unknown = Object.entries(input.unknownTypes ?? {});
  if (unknown.length > 0) {
    const types = unknown.map(([type, k]) => `${k} of type '${type}'`).join(', ');
    const all = format === 'json' ? 'see input.unknownTypes' : '--format json counts them in input.unknownTypes';
    warn(`records of a type pmta-acct does not know were not counted: ${types}; ${all}`);
  }
}

export interface StreamOutput {
  /** Resolves when the text is accepted (waits for 'drain' when the sink is full). */
  write(text: string): Promise<void>;
  /** Finish: a file is renamed into place. */
  close(): Promise<void>;
}

/**
 * Output written as it is produced, with backpressure: stdout, or a file written under a
 * temporary name and renamed into place at the end. A closed stdout (`| head`) ends the process
 * quietly, as grep does.
 */
export function streamOutput(file: string | undefined): StreamOutput {
  const toFile = file !== undefined && file !== '-';
  const tmp = toFile ? `${file}.tmp-${process.pid}` : '';
  const out: Writable = toFile ? createWriteStream(tmp) : process.stdout;
  let failure: Error | null = null;
  out.on('error', (err: Error & { code?: string }) => {
    if (!toFile && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    failure = err;
  });
  return {
    async write(text) {
      if (failure !== null) throw failure;
      if (text !== '' && !out.write(text)) await once(out, 'drain');
    },
    async close() {
      if (!toFile) return;
      out.end();
      await once(out, 'finish');
      if (failure !== null) throw failure;
      renameSync(tmp, file);
    },
  };
}

/** The output goes to a terminal (stdout, and stdout is one): record text is escaped there, whatever the format. */
export function toTerminal(file: string | undefined): boolean {
  return (file === undefined || file === '-') && stdoutIsTerminal();
}

/** Colour only for a terminal, and never when NO_COLOR is set or TERM is dumb. */
export function useColor(file: string | undefined): boolean {
  if (file !== undefined && file !== '-') return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.TERM === 'dumb') return false;
  return stdoutIsTerminal();
}
