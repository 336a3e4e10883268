/**
 * The optional config file (`--config FILE` or $PMTA_ACCT_CONFIG), YAML or JSON:
 *
 *   isp:
 *     domains: { example.com: acme }       # recipient domain → ISP id (wins over the built-in map)
 *     mx: { .mx.acme.net: acme }          # MX host suffix → ISP id
 *     names: { acme: "ACME Mail" }        # display names for new ids
 *   hardBounceCategories: [bad-mailbox, bad-domain, inactive-mailbox, routing-errors]
 *
 * Errors name the file, line and field. The YAML parser is loaded only when there is a file to
 * read (it costs ~80 ms of start-up).
 */
import { readFileSync } from 'node:fs';
import type { LineCounter, Node } from 'yaml';
import type { IspOverrides } from '../classify/isp-map.js';
import { PmtaAcctError } from '../errors.js';

export interface Config {
  readonly isps: IspOverrides;
  readonly hardBounceCategories: readonly string[] | null;
}

export const EMPTY_CONFIG: Config = { isps: {}, hardBounceCategories: null };

class ConfigReader {
  constructor(readonly file: string, readonly lines: LineCounter, readonly yaml: typeof import('yaml')) {}

  fail(node: Node | null | undefined, field: string, problem: string): never {
    const at = node?.range ? this.lines.linePos(node.range[0]) : undefined;
    const where = at ? `${this.file}:${at.line}:${at.col}` : this.file;
    throw new PmtaAcctError('BAD_CONFIG', `${where}: ${field}: ${problem}`);
  }

  stringMap(node: unknown, field: string): Record<string, string> {
    const { isMap, isScalar } = this.yaml;
    if (node === undefined || node === null) return {};
    if (!isMap(node)) this.fail(node as Node, field, 'expected a mapping of names to values');
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const k = pair.key;
      const v = pair.value;
      if (!isScalar(k) || typeof k.value !== 'string') this.fail(k as Node, field, 'keys must be strings');
      const key = k.value as string;
      if (!isScalar(v) || typeof v.value !== 'string' || v.value === '') this.fail((v ?? k) as Node, `${field}.${key}`, 'expected a non-empty string');
      out[key] = v.value as string;
    }
    return out;
  }
}

export async function parseConfig(text: string, file: string): Promise<Config> {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r: ConfigReader = new ConfigReader(file, lines, await import('yaml'));
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = lines.linePos(e.pos[0]);
    throw new PmtaAcctError('BAD_CONFIG', `${file}:${at.line}:${at.col}: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (root === null) return EMPTY_CONFIG;
  if (!isMap(root)) r.fail(root, '(top level)', 'expected a mapping');
  let isps: IspOverrides = {};
  let hard: string[] | null = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'isp') {
      const v = pair.value;
      if (!isMap(v)) r.fail((v ?? pair.key) as Node, 'isp', 'expected a mapping with domains, mx and names');
      const part: { domains?: Record<string, string>; mxSuffixes?: Record<string, string>; names?: Record<string, string> } = {};
      for (const p of v.items) {
        const k = isScalar(p.key) ? String(p.key.value) : '';
        if (k === 'domains') part.domains = r.stringMap(p.value, 'isp.domains');
        else if (k === 'mx') part.mxSuffixes = r.stringMap(p.value, 'isp.mx');
        else if (k === 'names') part.names = r.stringMap(p.value, 'isp.names');
        else r.fail(p.key as Node, `isp.${k}`, 'unknown field (expected domains, mx or names)');
      }
      isps = part;
    } else if (key === 'hardBounceCategories') {
      const v = pair.value;
      if (!isSeq(v)) r.fail((v ?? pair.key) as Node, key, 'expected a list of bounce categories');
      hard = v.items.map((item, i) => {
        if (!isScalar(item) || typeof item.value !== 'string') r.fail(item as Node, `${key}[${i}]`, 'expected a string');
        return (item.value as string).trim();
      });
    } else {
      r.fail(pair.key as Node, key || '(key)', 'unknown field (expected isp or hardBounceCategories)');
    }
  }
  return { isps, hardBounceCategories: hard };
}

export async function loadConfig(file: string | undefined): Promise<Config> {
  if (file === undefined || file === '') return EMPTY_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PmtaAcctError('BAD_CONFIG', `${file}: cannot read the config file (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseConfig(text, file);
}
