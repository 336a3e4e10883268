/**
 * Reading a YAML (or JSON: YAML 1.2 reads it) document with positions, for files whose errors
 * must name the file, line, column and field. The parser is loaded only when a file is read (it
 * costs ~80 ms of start-up).
 */
import type { Document, LineCounter, Node } from 'yaml';
import { PmtaAcctError } from '../errors.js';

export type Yaml = typeof import('yaml');

export class YamlReader {
  constructor(readonly file: string, readonly lines: LineCounter, readonly yaml: Yaml) {}

  /** `file:line:col` of a node (the file alone when the node has no position). */
  where(node: Node | null | undefined): string {
    const at = node?.range ? this.lines.linePos(node.range[0]) : undefined;
    return at ? `${this.file}:${at.line}:${at.col}` : this.file;
  }

  line(node: Node | null | undefined): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 0;
  }

  fail(node: Node | null | undefined, field: string, problem: string): never {
    throw new PmtaAcctError('BAD_CONFIG', `${this.where(node)}: ${field}: ${problem}`);
  }
}

/** Parse `text`; a syntax error becomes a BAD_CONFIG error at its position. */
export async function readYaml(text: string, file: string): Promise<{ doc: Document; reader: YamlReader }> {
  const yaml = await import('yaml');
  const lines = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = lines.linePos(e.pos[0]);
    throw new PmtaAcctError('BAD_CONFIG', `${file}:${at.line}:${at.col}: ${e.message.split('\n')[0]}`);
  }
  return { doc, reader: new YamlReader(file, lines, yaml) };
}
