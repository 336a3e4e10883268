/**
 * The files a follower looks at: the live accounting file and its rotated siblings
 * (`<stem>-YYYY-MM-DD-NNNN<ext>`, gzipped or not) in the live file's directory and in any
 * `move-to` directories, ordered as PowerMTA wrote them.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { compareRotationNames, parseRotationName } from './rotation-name.js';

export interface Layout {
  /** Absolute path of the live file. */
  readonly live: string;
  /** Directories searched for rotated files (the live file's own first). */
  readonly dirs: readonly string[];
  /** The live file's name without extension: rotated names start with it. */
  readonly stem: string;
}

export function makeLayout(live: string, rotatedDirs: readonly string[]): Layout {
  const abs = resolve(live);
  const name = basename(abs);
  const stem = name.slice(0, name.length - extname(name).length);
  const dirs = [dirname(abs), ...rotatedDirs.map((d) => resolve(d))];
  return { live: abs, dirs: [...new Set(dirs)], stem };
}

/** Whether a file name is a rotated name of this layout's live file. */
export function isRotatedName(layout: Layout, name: string): boolean {
  const r = parseRotationName(name);
  return r !== undefined && r.stem === layout.stem && !name.startsWith('.');
}

/** Rotated files present now, oldest first (a directory that cannot be read is skipped). */
export function listRotated(layout: Layout): string[] {
  const out: { name: string; path: string }[] = [];
  for (const dir of layout.dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (isRotatedName(layout, name)) out.push({ name, path: join(dir, name) });
  }
  out.sort((a, b) => compareRotationNames(a.name, b.name) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out.map((e) => e.path);
}

/** Order of paths as PowerMTA wrote them (rotated names by date and sequence; the live file last). */
export function comparePaths(layout: Layout, a: string, b: string): number {
  if (a === b) return 0;
  if (a === layout.live) return 1;
  if (b === layout.live) return -1;
  return compareRotationNames(basename(a), basename(b));
}
