/**
 * Reading a YAML (or JSON: YAML 1.2 reads it) document with positions, for files whose errors
 * must name the file, line, column and field: the config file and the rules file. The parser is
 * loaded only when a file is read (it costs ~80 ms of start-up).
 */
import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { PmtaAcctError, messageOf, type ErrorPosition } from '../errors.js';
import { lazyRequire } from '../util/lazy-require.js';

export type Yaml = typeof import('yaml');

/** Required, not imported: the bin runs the bundle from a code cache, where `import()` has no loader (src/cli/bin.ts). */
const loadYaml = lazyRequire<Yaml>('yaml');

export class YamlReader {
  constructor(
    readonly file: string,
    readonly lines: LineCounter,
    readonly yaml: Yaml,
  ) {}

  /** The position of a node (the file alone when it is not a node or has no position). */
  at(node: unknown): ErrorPosition {
    if (!this.yaml.isNode(node) || node.range === undefined || node.range === null) return { file: this.file };
    const at = this.lines.linePos(node.range[0]);
    return { file: this.file, line: at.line, column: at.col };
  }

  /** 1-based line of a node, 0 when it has none. */
  line(node: unknown): number {
    return this.at(node).line ?? 0;
  }

  /** `node` (any value met while reading: a node, or nothing where one was expected) is wrong. */
  fail(node: unknown, field: string, problem: string): never {
    throw new PmtaAcctError('BAD_CONFIG', `${field}: ${problem}`, { at: this.at(node) });
  }
}

/** Parse `text`; a syntax error becomes a BAD_CONFIG error at its position. */
export async function readYaml(text: string, file: string): Promise<{ doc: Document; reader: YamlReader }> {
  const yaml = loadYaml();
  const lines = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = lines.linePos(e.pos[0]);
    throw new PmtaAcctError('BAD_CONFIG', e.message.split('\n')[0], { at: { file, line: at.line, column: at.col } });
  }
  return { doc, reader: new YamlReader(file, lines, yaml) };
}

/** A user's file as text; one that cannot be read is a BAD_CONFIG error naming what it is (`what`: "the rules file"). */
export function readConfigText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PmtaAcctError('BAD_CONFIG', `cannot read ${what} (${messageOf(err)})`, { at: { file } });
  }
}
