/**
 * PowerMTA's configuration file as a tree of blocks and directives (User's Guide §3.1-3.2):
 * `directive value` lines, `#` comments, `<tag args>` ... `</tag>` blocks, and `include FILE`
 * (wildcards allowed; a relative path is taken from the including file's directory) read in
 * place, at any level. Only the structure is checked here; what the directives mean is read by
 * src/pmta-config/limits.ts, which ignores everything it does not need.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { messageOf, PmtaAcctError } from '../errors.js';

export interface Directive {
  /** Lowercase name. */
  readonly name: string;
  /** The rest of the line, trimmed. */
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export interface Block {
  /** Lowercase tag (`domain`, `virtual-mta`...); '' for the file itself. */
  readonly tag: string;
  /** Words after the tag: `<domain a.com b.com>` → ['a.com', 'b.com']. */
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  readonly directives: Directive[];
  readonly blocks: Block[];
}

const MAX_INCLUDE_DEPTH = 16;
const OPEN = /^<\s*([A-Za-z][\w-]*)\s*(.*?)\s*>$/;
const CLOSE = /^<\s*\/\s*([A-Za-z][\w-]*)\s*>$/;

function fail(file: string, line: number, message: string): never {
  throw new PmtaAcctError('BAD_CONFIG', message, { at: { file, ...(line > 0 ? { line } : {}) } });
}

/** `#` starts a comment at the start of a line or after white space (not inside a quoted value). */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
  }
  return line;
}

function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Files an include names: the path itself, or every match of its wildcards (sorted), maybe none. */
export function expandInclude(path: string): string[] {
  if (!/[*?[]/.test(path)) return [path];
  const parts = path.split('/');
  let dirs = [parts[0] === '' ? '/' : '.'];
  for (let i = parts[0] === '' ? 1 : 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const dir of dirs) {
      if (!/[*?[]/.test(part)) {
        next.push(join(dir, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      const re = wildcard(part);
      for (const n of names) if (re.test(n) && !n.startsWith('.')) next.push(join(dir, n));
    }
    dirs = last ? next.filter((p) => isFile(p)) : next;
  }
  return dirs;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

class ConfigParser {
  private readonly stack: Block[];
  private readonly reading: string[] = [];

  constructor(readonly root: Block) {
    this.stack = [root];
  }

  read(file: string, from: { file: string; line: number } | null): void {
    let text: string;
    let real: string;
    try {
      real = realpathSync(file);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const why = messageOf(err);
      if (from === null) fail(file, 0, `cannot read the PowerMTA config (${why})`);
      fail(from.file, from.line, `include ${file}: cannot read it (${why})`);
    }
    if (this.reading.includes(real)) fail(from?.file ?? file, from?.line ?? 0, `include ${file}: includes itself`);
    if (this.reading.length >= MAX_INCLUDE_DEPTH)
      fail(from?.file ?? file, from?.line ?? 0, `include ${file}: more than ${MAX_INCLUDE_DEPTH} levels of include`);
    this.reading.push(real);
    const depth = this.stack.length;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) this.line(stripComment(lines[i]).trim(), file, i + 1);
    if (this.stack.length > depth) {
      const open = this.stack[this.stack.length - 1];
      fail(open.file, open.line, `<${open.tag}> is not closed before the end of ${file}`);
    }
    this.reading.pop();
  }

  private line(text: string, file: string, line: number): void {
    if (text === '') return;
    const top = this.stack[this.stack.length - 1];
    const close = CLOSE.exec(text);
    if (close !== null) {
      const tag = close[1].toLowerCase();
      if (this.stack.length === 1) fail(file, line, `</${tag}> closes no block`);
      if (top.tag !== tag) fail(file, line, `</${tag}> closes <${top.tag}> (opened at ${top.file}:${top.line})`);
      this.stack.pop();
      return;
    }
    const open = OPEN.exec(text);
    if (open !== null) {
      const block: Block = { tag: open[1].toLowerCase(), args: words(open[2]), file, line, directives: [], blocks: [] };
      top.blocks.push(block);
      this.stack.push(block);
      return;
    }
    if (text.startsWith('<')) fail(file, line, `'${text}' is not a block tag`);
    const space = text.search(/\s/);
    const name = (space < 0 ? text : text.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : text.slice(space).trim();
    if (name === 'include') {
      if (value === '') fail(file, line, 'include names no file');
      const target = words(value)[0];
      const path = isAbsolute(target) ? target : resolve(dirname(file), target);
      for (const f of expandInclude(path)) this.read(f, { file, line });
      return;
    }
    top.directives.push({ name, value, file, line });
  }
}

/** Read a PowerMTA config file and everything it includes. */
export function readPmtaConfig(file: string): Block {
  const root: Block = { tag: '', args: [], file, line: 0, directives: [], blocks: [] };
  new ConfigParser(root).read(file, null);
  return root;
}

/** For messages: `config:34` with the file's base name when it is long. */
export function shortPlace(file: string, line: number): string {
  return `${basename(file)}:${line}`;
}
