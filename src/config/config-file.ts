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
import { domainProblem, ispIdProblem, mxSuffixProblem, type IspOverrides } from '../classify/isp-map.js';
import { readConfigText, readYaml, type YamlReader } from './yaml-reader.js';

export interface Config {
  readonly isps: IspOverrides;
  readonly hardBounceCategories: readonly string[] | null;
}

export const EMPTY_CONFIG: Config = { isps: {}, hardBounceCategories: null };

/**
 * A mapping of names to non-empty strings (`isp.domains`, `isp.mx`, `isp.names`); `check` says
 * what is wrong with a key or a value (an ISP id, a domain), so the error names the entry's line.
 */
function stringMap(
  r: YamlReader,
  node: unknown,
  field: string,
  check: { key?: (k: string) => string | null; value?: (v: string) => string | null } = {},
): Record<string, string> {
  const { isMap, isScalar } = r.yaml;
  if (node === undefined || node === null) return {};
  if (!isMap(node)) r.fail(node, field, 'expected a mapping of names to values');
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const k = pair.key;
    const v = pair.value;
    if (!isScalar(k) || typeof k.value !== 'string') r.fail(k, field, 'keys must be strings');
    const key = k.value;
    if (!isScalar(v) || typeof v.value !== 'string' || v.value === '') r.fail(v ?? k, `${field}.${key}`, 'expected a non-empty string');
    const keyProblem = check.key?.(key) ?? null;
    if (keyProblem !== null) r.fail(k, `${field}.${key}`, keyProblem);
    const valueProblem = check.value?.(v.value) ?? null;
    if (valueProblem !== null) r.fail(v, `${field}.${key}`, valueProblem);
    out[key] = v.value;
  }
  return out;
}

export async function parseConfig(text: string, file: string): Promise<Config> {
  const { doc, reader } = await readYaml(text, file);
  // Typed, so that r.fail (never returns) narrows what follows it.
  const r: YamlReader = reader;
  const { isMap, isScalar, isSeq } = r.yaml;
  const root = doc.contents;
  if (root === null) return EMPTY_CONFIG;
  if (!isMap(root)) r.fail(root, '(top level)', 'expected a mapping');
  let isps: IspOverrides = {};
  let hard: string[] | null = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'isp') {
      const v = pair.value;
      if (!isMap(v)) r.fail(v ?? pair.key, 'isp', 'expected a mapping with domains, mx and names');
      const part: { domains?: Record<string, string>; mxSuffixes?: Record<string, string>; names?: Record<string, string> } = {};
      for (const p of v.items) {
        const k = isScalar(p.key) ? String(p.key.value) : '';
        if (k === 'domains') part.domains = stringMap(r, p.value, 'isp.domains', { key: domainProblem, value: ispIdProblem });
        else if (k === 'mx') part.mxSuffixes = stringMap(r, p.value, 'isp.mx', { key: mxSuffixProblem, value: ispIdProblem });
        else if (k === 'names')
          part.names = stringMap(r, p.value, 'isp.names', {
            key: ispIdProblem,
            value: (name) => (name.trim() === '' ? 'the display name must be a non-empty string' : null),
          });
        else r.fail(p.key, `isp.${k}`, 'unknown field (expected domains, mx or names)');
      }
      isps = part;
    } else if (key === 'hardBounceCategories') {
      const v = pair.value;
      if (!isSeq(v)) r.fail(v ?? pair.key, key, 'expected a list of bounce categories');
      hard = v.items.map((item, i) => {
        if (!isScalar(item) || typeof item.value !== 'string') r.fail(item, `${key}[${i}]`, 'expected a string');
        return item.value.trim();
      });
    } else {
      r.fail(pair.key, key || '(key)', 'unknown field (expected isp or hardBounceCategories)');
    }
  }
  return { isps, hardBounceCategories: hard };
}

export async function loadConfig(file: string | undefined): Promise<Config> {
  if (file === undefined || file === '') return EMPTY_CONFIG;
  return parseConfig(readConfigText(file, 'the config file'), file);
}
