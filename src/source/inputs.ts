/**
 * What the user named → the files to read, in order. A directory means the accounting files in
 * it (not recursive), ordered as PowerMTA rotated them; `-` means standard input. Compression is
 * recognised by content (gzip magic bytes), not by name.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PmtaAcctError } from '../errors.js';
import { compareRotationNames, parseRotationName } from './rotation-name.js';

export interface InputFile {
  /** Path as given or found; '-' for standard input. */
  readonly path: string;
  /** Size on disk (0 for stdin). */
  readonly size: number;
  readonly gzip: boolean;
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
  return { path, size, gzip: size >= 2 && isGzip(path) };
}

function errnoOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** Files in a directory that look like accounting files: *.csv (and .txt/.log), gzipped or not, or rotated names. */
export function listDirectory(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && (ACCOUNTING_NAME.test(e.name) || parseRotationName(e.name) !== undefined))
    .map((e) => e.name)
    .sort(compareRotationNames);
  return names.map((n) => join(dir, n));
}

export function expandInputs(args: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push({ path: '-', size: 0, gzip: false });
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new PmtaAcctError('INPUT_NOT_FOUND', `${arg}: no such file or directory`);
      throw new PmtaAcctError('INPUT_UNREADABLE', `${arg}: cannot read (${errnoOf(err) || String(err)})`);
    }
    try {
      if (st.isDirectory()) {
        const files = listDirectory(arg);
        if (files.length === 0) throw new PmtaAcctError('INPUT_NOT_FOUND', `${arg}: no accounting files (*.csv, *.csv.gz) in this directory`);
        for (const f of files) out.push(fileEntry(f, statSync(f).size));
      } else {
        out.push(fileEntry(arg, st.size));
      }
    } catch (err) {
      if (err instanceof PmtaAcctError) throw err;
      throw new PmtaAcctError('INPUT_UNREADABLE', `${arg}: cannot read (${errnoOf(err) || String(err)})`);
    }
  }
  return out;
}

/** Short name of an input for messages. */
export function displayName(path: string): string {
  return path === '-' ? '(stdin)' : path;
}
