/**
 * Glob patterns given in quotes (`'/var/log/pmta/acct-2026-11-*.csv*'`): Node 20 has no fs.glob,
 * and a month of archives can exceed the shell's argument limit, so pmta-acct expands them itself.
 * Per path segment: `*` any run of characters but `/`, `?` one character, `[abc]` / `[a-z]` /
 * `[!abc]` a class, `{a,b}` alternatives; `**` as a whole segment matches any number of
 * directories. Like a shell, `*` and `?` do not match a leading dot. Only names are read (readdir),
 * no file is opened. Symbolic links are matched like what they lead to, but `**` does not descend
 * through a link to a directory (as bash's globstar): a link back up the tree would never end.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const GLOB_CHARS = /[*?[{]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

function escapeRegex(c: string): string {
  return /[\\^$.|?*+()[\]{}/]/.test(c) ? `\\${c}` : c;
}

/** One path segment's pattern as an anchored regex. */
export function segmentRegex(segment: string): RegExp {
  let out = '';
  let inBraces = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) {
      out += escapeRegex(segment[++i]);
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = close;
    } else if (c === '{' && !inBraces && segment.indexOf('}', i) > 0) {
      inBraces = true;
      out += '(?:';
    } else if (c === ',' && inBraces) {
      out += '|';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      out += ')';
    } else {
      out += escapeRegex(c);
    }
  }
  const dotOk = segment.startsWith('.');
  return new RegExp(`^${dotOk ? '' : '(?!\\.)'}${out}$`);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A directory that is not a symbolic link. */
function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir === '' ? '.' : dir);
  } catch {
    return [];
  }
}

/** Every path the pattern matches (files and directories), unsorted. */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let current: string[] = [absolute ? sep : ''];
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k];
    const last = k === segments.length - 1;
    const next: string[] = [];
    if (segment === '**') {
      // this directory and every directory below it (not following into dot directories)
      const stack = [...current];
      for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
        next.push(dir);
        for (const name of entries(dir)) {
          const path = dir === '' ? name : join(dir, name);
          if (!name.startsWith('.') && isRealDirectory(path)) stack.push(path);
        }
      }
      current = last ? next.filter((p) => p !== '') : next;
      continue;
    }
    if (!isGlob(segment)) {
      for (const dir of current) {
        const path = dir === '' ? segment : join(dir, segment);
        if (last ? exists(path) : isDirectory(path)) next.push(path);
      }
    } else {
      const re = segmentRegex(segment);
      for (const dir of current) {
        for (const name of entries(dir)) {
          if (!re.test(name)) continue;
          const path = dir === '' ? name : join(dir, name);
          if (last || isDirectory(path)) next.push(path);
        }
      }
    }
    current = next;
  }
  return [...new Set(current)];
}
