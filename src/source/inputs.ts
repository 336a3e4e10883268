/**
 * What the user named → the files to read, in order. A directory means the accounting files in
 * it (not recursive), ordered as PowerMTA rotated them; a quoted glob pattern the files it
 * matches, in the same order; `-` means standard input. Compression is recognised by content
 * (gzip magic bytes), not by name.
 *
 * Two steps, so that a caller can drop files by name (query's --since/--until pruning) before any
 * file is opened: resolveInputPaths() only stats and lists directories, describeInputs() opens.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Dirent } from 'node:fs';
import { basename, join } from 'node:path';
import { PmtaAcctError } from '../errors.js';
import { fingerprintFile } from './file-identity.js';
import { expandGlob, isGlob } from './glob.js';
import { gzipBytes, TYPICAL_GZIP_RATIO } from './gzip-size.js';
import { compareRotationNames, parseRotationName } from './rotation-name.js';
import { pruneByName } from './prune.js';
import { overlappingStreams } from './streams.js';

export interface InputFile {
  /** Path as given or found; '-' for standard input. */
  readonly path: string;
  /** Size on disk (0 for stdin). */
  readonly size: number;
  readonly gzip: boolean;
  /** Bytes it decompresses to when a .gz, estimated from its trailer (gzip-size.ts); absent: unknown. */
  readonly gzipBytes?: number;
}

const ACCOUNTING_NAME = /\.(csv|txt|log|acct)(\.gz)?$/i;

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function fileEntry(path: string, size: number): InputFile {
  return size >= 2 && isGzip(path) ? { path, size, gzip: true, gzipBytes: gzipBytes(path, size) } : { path, size, gzip: false };
}

/** Bytes a run will read from an input: a plain file's size, a .gz's estimated output; stdin has no known end. */
export function inputBytes(input: InputFile): number {
  if (input.path === '-') return Number.POSITIVE_INFINITY;
  return input.gzip ? (input.gzipBytes ?? input.size * TYPICAL_GZIP_RATIO) : input.size;
}

function errnoOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/**
 * A directory entry that stands for a file: a regular file, or a symbolic link to one (archives
 * linked in from elsewhere). A link to a directory is a subdirectory (not read: listing is not
 * recursive); a link that leads nowhere is kept, so that reading it says so instead of the day it
 * stood for going missing without a word.
 */
function isFileEntry(dir: string, e: Dirent): boolean {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, e.name)).isFile();
  } catch {
    return true;
  }
}

/** Files in a directory that look like accounting files: *.csv (and .txt/.log), gzipped or not, or rotated names. */
export function listDirectory(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter(
      (e) => !e.name.startsWith('.') && (ACCOUNTING_NAME.test(e.name) || parseRotationName(e.name) !== undefined) && isFileEntry(dir, e),
    )
    .map((e) => e.name)
    .sort(compareRotationNames);
  return names.map((n) => join(dir, n));
}

/** Where a symbolic link leads, or null when the path is not one. */
function linkTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  } catch {
    return null;
  }
}

/** Why a path cannot be read, saying where a symbolic link leads when it is one. */
function unreadable(path: string, err: unknown): PmtaAcctError {
  const code = errnoOf(err) || String(err);
  const target = linkTarget(path);
  if (target !== null) {
    return new PmtaAcctError(
      'INPUT_UNREADABLE',
      `a symbolic link to ${target}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      { at: { file: path } },
    );
  }
  if (code === 'ENOENT') return new PmtaAcctError('INPUT_NOT_FOUND', 'no such file or directory', { at: { file: path } });
  return new PmtaAcctError('INPUT_UNREADABLE', `cannot read (${code})`, { at: { file: path } });
}

/** Glob matches in rotation order (by file name, then path); directories among them listed. */
function globPaths(pattern: string): string[] {
  const matches = expandGlob(pattern).sort((a, b) => compareRotationNames(basename(a), basename(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  for (const m of matches) {
    let dir = false;
    try {
      dir = statSync(m).isDirectory();
    } catch {
      // a link that leads nowhere: reading it will say so
    }
    if (dir) out.push(...listDirectory(m));
    else out.push(m);
  }
  if (out.length === 0) throw new PmtaAcctError('INPUT_NOT_FOUND', `${pattern}: no file matches this pattern`);
  return out;
}

/**
 * The paths of the files named by args ('-' for stdin), in reading order. No file is opened,
 * except that a directory holding two or more accounting streams (streams.ts) samples one file of
 * each; when they share record types, `notes` gets a warning.
 */
export function resolveInputPaths(args: readonly string[], notes?: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push('-');
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' && isGlob(arg)) {
        out.push(...globPaths(arg));
        continue;
      }
      throw unreadable(arg, err);
    }
    try {
      if (st.isDirectory()) {
        const files = listDirectory(arg);
        if (files.length === 0)
          throw new PmtaAcctError('INPUT_NOT_FOUND', `${arg}: no accounting files (*.csv, *.csv.gz) in this directory`);
        const overlap = notes === undefined ? null : overlappingStreams(arg, files);
        if (overlap !== null) notes?.push(overlap);
        out.push(...files);
      } else if (st.isFile()) {
        out.push(arg);
      } else {
        // A named pipe or process substitution (<(zcat ...)): files are read by position, in
        // ranges and more than once, which a pipe cannot be.
        throw new PmtaAcctError(
          'INPUT_UNREADABLE',
          'not a regular file (a pipe or a device): pmta-acct reads files by position; give a stream on standard input, as -',
          { at: { file: arg } },
        );
      }
    } catch (err) {
      if (err instanceof PmtaAcctError) throw err;
      throw unreadable(arg, err);
    }
  }
  return out;
}

/**
 * The files named, each read once: a file named twice (overlapping arguments, a directory and a
 * pattern over it, a symbolic link beside its target) is read under its first name; a rotated
 * file named plain and gzipped (`acct-2026-11-28-0003.csv` beside `acct-2026-11-28-0003.csv.gz`:
 * gzip -k, or gzip still writing while a report runs) is read plain, when the .gz starts with the
 * same record or is too short to show one (gzip has just begun). `notes` say what was left out.
 */
export function readOnce(paths: readonly string[]): { kept: string[]; notes: string[] } {
  const kept: string[] = [];
  const notes: string[] = [];
  const byKey = new Map<string, string>();
  for (const p of paths) {
    if (p === '-') {
      kept.push(p);
      continue;
    }
    let key: string | null = null;
    try {
      const st = statSync(p, { bigint: true });
      key = `${st.dev}:${st.ino}`;
    } catch {
      // reading it says what is wrong
    }
    const first = key === null ? undefined : byKey.get(key);
    if (first !== undefined) {
      notes.push(`${p}: not read: the same file as ${first}, named before`);
      continue;
    }
    if (key !== null) byKey.set(key, p);
    kept.push(p);
  }
  const named = new Set(kept);
  const twins = new Set(kept.filter((p) => p.toLowerCase().endsWith('.gz') && named.has(p.slice(0, -3)) && sameStart(p.slice(0, -3), p)));
  for (const t of twins)
    notes.push(`${t}: not read: ${t.slice(0, -3)} is read, the same file before it was gzipped (or while gzip writes it)`);
  return { kept: kept.filter((p) => !twins.has(p)), notes };
}

/** Whether a .gz starts with the plain file's first record, or is too short to show one. */
function sameStart(plain: string, gz: string): boolean {
  try {
    const a = fingerprintFile(plain, false);
    const b = fingerprintFile(gz, true);
    return a !== null && (b === null || b === a);
  } catch {
    return false;
  }
}

/** The inputs a reading command takes, from what the user named (selectInputs). */
export interface SelectedInputs {
  readonly files: InputFile[];
  /** Files skipped by name for --since/--until, never opened. */
  readonly pruned: string[];
  /** For stderr: what readOnce left out, and streams of a directory that would count records twice. */
  readonly notes: string[];
}

/**
 * The files to read for `args` in [since, until): resolved, pruned by name, each read once, then
 * described (only the files kept are opened). One path for report, check and query.
 */
export function selectInputs(args: readonly string[], since: number | null, until: number | null): SelectedInputs {
  const streams: string[] = [];
  const { kept, pruned } = pruneByName(resolveInputPaths(args, streams), since, until);
  const once = readOnce(kept);
  return { files: describeInputs(once.kept), pruned, notes: [...streams, ...once.notes] };
}

/** Size and compression of each path (this opens the files). */
export function describeInputs(paths: readonly string[]): InputFile[] {
  return paths.map((path) => {
    if (path === '-') return { path: '-', size: 0, gzip: false };
    try {
      return fileEntry(path, statSync(path).size);
    } catch (err) {
      throw unreadable(path, err);
    }
  });
}

/** Short name of an input for messages. */
export function displayName(path: string): string {
  return path === '-' ? '(stdin)' : path;
}
