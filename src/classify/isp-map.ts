/**
 * Recipient domain / MX host → mailbox-provider (ISP) id. Tables are built once in createIspMap
 * from the built-in data (isp-data.ts) and the user's overrides; lookups are Map gets. The caller
 * (the classifier) caches per distinct domain and MX host, so the rare paths (IDN, rollup) may
 * allocate.
 */
import { domainToASCII } from 'node:url';
import { PmtaAcctError } from '../errors.js';
import { ISP_NAMES, MX_SUFFIXES, PROVIDER_DOMAINS, ROLLUP_ALIASES } from './isp-data.js';

export interface IspOverrides {
  /** recipient domain → id, e.g. { 'corp.example': 'corp', 'outlook.rollup': 'office365' } */
  readonly domains?: Readonly<Record<string, string>>;
  /** MX host suffix (starting with '.') → id, e.g. { '.mx.corp.example': 'corp' } */
  readonly mxSuffixes?: Readonly<Record<string, string>>;
  /** id → display name, for new ids or to rename built-in ones */
  readonly names?: Readonly<Record<string, string>>;
}

export interface IspMap {
  /** recipient domain (already lowercased, may be IDN unicode like 'bücher.de' or punycode) → id, or undefined when unknown.
   *  A PowerMTA rollup queue domain `NAME.rollup` maps through ROLLUP_ALIASES, else to a known id equal to NAME, else to NAME's own domain lookup (NAME, NAME.com), else to NAME itself (lowercased). */
  ispOfDomain(domain: string): string | undefined;
  /** a dsnMta value such as `gmail-smtp-in.l.google.com (64.233.161.27)` or a bare host → id by the longest matching MX suffix, or undefined. Case-insensitive; trailing dot tolerated. */
  ispOfMx(dsnMta: string): string | undefined;
  /** display name for an id ("Gmail"); unknown ids (user-defined or rollup names) are returned as they are. */
  displayName(id: string): string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const NON_ASCII = /[^\p{ASCII}]/u;
/** Characters that cannot occur in a domain name (any label form). */
const NOT_IN_DOMAIN = /[\s@/\\:,;()[\]<>"'*?]/;
const ROLLUP = '.rollup';

/** The form tables are keyed by: lowercase, no trailing dot, IDN labels as punycode. */
function canonicalDomain(name: string): string {
  let d = name.toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (NON_ASCII.test(d)) {
    const ascii = domainToASCII(d);
    if (ascii !== '') d = ascii;
  }
  return d;
}

/** The host of a dsnMta value (`host (ip)`, `host`, `[ip]`), lowercase, without trailing dots. */
function mxHost(dsnMta: string): string {
  const s = dsnMta.trimStart();
  const end = s.search(/[\s(]/);
  let host = (end < 0 ? s : s.slice(0, end)).toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function fail(message: string): never {
  throw new PmtaAcctError('BAD_CONFIG', `ISP overrides: ${message}`);
}

/** What is wrong with an ISP id given in the overrides, or null (config-file.ts checks with these, at each entry's line). */
export function ispIdProblem(id: unknown): string | null {
  return typeof id === 'string' && ID_PATTERN.test(id) ? null : `id ${JSON.stringify(id)} must be lowercase and match [a-z0-9][a-z0-9._-]*`;
}

/** What is wrong with a recipient domain of the overrides, or null. */
export function domainProblem(key: string): string | null {
  return checkName(key) === undefined ? `domain ${JSON.stringify(key)} is not a domain name` : null;
}

/** What is wrong with an MX host suffix of the overrides, or null. */
export function mxSuffixProblem(key: string): string | null {
  if (!key.startsWith('.')) return `MX suffix ${JSON.stringify(key)} must start with "." (e.g. ".${key}")`;
  return checkName(key.slice(1)) === undefined ? `MX suffix ${JSON.stringify(key)} is not a host name suffix` : null;
}

function checkId(id: unknown, where: string): string {
  const problem = ispIdProblem(id);
  if (problem !== null || typeof id !== 'string') fail(`${where}: ${problem ?? ''}`);
  return id;
}

/** A user-given domain (or suffix without its dot) in canonical form, or undefined if it is not one. */
function checkName(raw: string): string | undefined {
  const d = canonicalDomain(raw);
  if (d === '' || d.startsWith('.') || d.includes('..') || NOT_IN_DOMAIN.test(d)) return undefined;
  return d;
}

/** Copy built-in and user entries into the given maps; user entries win. */
function buildTables(
  overrides: IspOverrides,
  domains: Map<string, string>,
  suffixes: Map<string, string>,
  names: Map<string, string>,
): void {
  for (const [id, list] of Object.entries(PROVIDER_DOMAINS)) {
    for (const domain of list) domains.set(domain, id);
  }
  for (const [suffix, id] of MX_SUFFIXES) suffixes.set(suffix.slice(1), id);
  for (const [id, name] of Object.entries(ISP_NAMES)) names.set(id, name);

  for (const [key, id] of Object.entries(overrides.domains ?? {})) {
    const domain = checkName(key);
    if (domain === undefined) fail(domainProblem(key) ?? '');
    domains.set(domain, checkId(id, `domain ${JSON.stringify(key)}`));
  }
  for (const [key, id] of Object.entries(overrides.mxSuffixes ?? {})) {
    const suffix = key.startsWith('.') ? checkName(key.slice(1)) : undefined;
    if (suffix === undefined) fail(mxSuffixProblem(key) ?? '');
    suffixes.set(suffix, checkId(id, `MX suffix ${JSON.stringify(key)}`));
  }
  for (const [id, name] of Object.entries(overrides.names ?? {})) {
    checkId(id, `names ${JSON.stringify(id)}`);
    if (typeof name !== 'string' || name.trim() === '') {
      fail(`names ${JSON.stringify(id)}: the display name must be a non-empty string`);
    }
    names.set(id, name);
  }
}

/**
 * The ISP ids the tables give: the built-in ones and those of the overrides. Not every id a run can
 * meet (a `NAME.rollup` queue or a domain without a table entry gives its own), so a caller may
 * warn about an id outside this set, never refuse it.
 */
export function knownIspIds(overrides: IspOverrides = {}): ReadonlySet<string> {
  const domains = new Map<string, string>();
  const suffixes = new Map<string, string>();
  const names = new Map<string, string>();
  buildTables(overrides, domains, suffixes, names);
  // 'other': the classifier's id of a record whose ISP is not known at all
  return new Set([...names.keys(), ...domains.values(), ...suffixes.values(), ...Object.values(ROLLUP_ALIASES), 'other']);
}

export function createIspMap(overrides: IspOverrides = {}): IspMap {
  const domains = new Map<string, string>();
  /** keyed by the suffix without its leading dot, so a host's own suffixes can be looked up as slices */
  const suffixes = new Map<string, string>();
  const names = new Map<string, string>();
  buildTables(overrides, domains, suffixes, names);
  const aliases = new Map(Object.entries(ROLLUP_ALIASES));
  const knownIds = new Set([...names.keys(), ...domains.values(), ...suffixes.values()]);

  function ofRollup(name: string): string | undefined {
    if (name === '') return undefined;
    return aliases.get(name) ?? (knownIds.has(name) ? name : undefined) ?? domains.get(name) ?? domains.get(`${name}.com`) ?? name;
  }

  function ispOfDomain(domain: string): string | undefined {
    const hit = domains.get(domain);
    if (hit !== undefined) return hit;
    const d = canonicalDomain(domain);
    if (d !== domain) {
      const id = domains.get(d);
      if (id !== undefined) return id;
    }
    return d.endsWith(ROLLUP) ? ofRollup(d.slice(0, -ROLLUP.length)) : undefined;
  }

  /** Walks the host's own suffixes, longest first: `a.b.c`, `b.c`, `c` (so host `web.de` matches `.web.de`). */
  function ispOfMx(dsnMta: string): string | undefined {
    const host = mxHost(dsnMta);
    if (host === '') return undefined;
    let from = 0;
    for (;;) {
      const id = suffixes.get(from === 0 ? host : host.slice(from));
      if (id !== undefined) return id;
      const dot = host.indexOf('.', from);
      if (dot < 0) return undefined;
      from = dot + 1;
    }
  }

  function displayName(id: string): string {
    return names.get(id) ?? id;
  }

  return { ispOfDomain, ispOfMx, displayName };
}
