/**
 * What a PowerMTA config's blocks say about rates, as data: the virtual MTAs (their source IPs and
 * networks, their <domain> blocks), the pools and their members, and each <domain> block's
 * patterns, queue rate and per-source-IP rates. limits.ts answers questions over them.
 */
import { PmtaAcctError } from '../errors.js';
import { shortPlace, type Block, type Directive } from './parse.js';
import { ratePerHour } from './rate.js';

export interface Rate {
  readonly perHour: number;
  readonly place: string | null;
}

export interface Pattern {
  /** The domain part (`gmail.com` of `*.gmail.com`), lowercase; '' for `*`. */
  readonly base: string;
  readonly exact: boolean;
  readonly subdomains: boolean;
}

/** An IPv4 network: the addresses n with (n & mask) === net. */
export interface Cidr {
  readonly net: number;
  readonly mask: number;
}

export interface SourceIpRate {
  /** The IP itself (any family), or null for an IPv4 network. */
  readonly ip: string | null;
  readonly cidr: Cidr;
  readonly rate: Rate;
}

export interface DomainBlock {
  readonly patterns: readonly Pattern[];
  readonly rate: Rate | null;
  readonly sourceIp: readonly SourceIpRate[];
}

export interface Vmta {
  readonly name: string;
  readonly ips: Set<string>;
  readonly cidrs: Cidr[];
  readonly domains: DomainBlock[];
  /** Domain blocks of the pools that list this virtual MTA, in file order. */
  readonly pools: DomainBlock[][];
}

export interface Pool {
  readonly name: string;
  readonly members: readonly Vmta[];
  readonly domains: readonly DomainBlock[];
}

function fail(d: { file: string; line: number }, message: string): never {
  throw new PmtaAcctError('BAD_CONFIG', message, { at: { file: d.file, line: d.line } });
}

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** An IPv4 network `a.b.c.d/n`, or null. */
function cidrOf(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const net = ipv4(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (net === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: (net & mask) >>> 0, mask };
}

/** Whether an IP (as written in the log) is an IPv4 address inside one of the networks. */
function inCidrs(ip: string, cidrs: readonly Cidr[]): boolean {
  if (cidrs.length === 0) return false;
  const n = ipv4(ip);
  return n !== null && cidrs.some((c) => (n & c.mask) >>> 0 === c.net);
}

function patternOf(text: string): Pattern | null {
  const p = text.toLowerCase();
  if (p === '*') return { base: '', exact: false, subdomains: true };
  if (p.startsWith('[*.]')) return { base: p.slice(4), exact: true, subdomains: true };
  if (p.startsWith('*.')) return { base: p.slice(2), exact: false, subdomains: true };
  if (p.startsWith('[') || p.includes('/') || p.includes('*')) return null;
  return { base: p, exact: true, subdomains: false };
}

const NOT_A_RATE = 'is not a rate (use unlimited or N/h, N/15m, N/5s, N/day...)';

/** `max-msg-per-hour N`, the older form: a count per hour, 0 for unlimited. */
function legacyPerHour(text: string): number {
  if (!/^\d+$/.test(text)) return Number.NaN;
  return Number(text) === 0 ? Number.POSITIVE_INFINITY : Number(text);
}

function perHourOf(d: Directive, text: string): number {
  const perHour = d.name === 'max-msg-per-hour' ? legacyPerHour(text) : ratePerHour(text);
  if (Number.isNaN(perHour)) fail(d, `${d.name}: '${text}' ${NOT_A_RATE}`);
  return perHour;
}

/** A block's queue rate: its last max-msg-rate or max-msg-per-hour. */
function rateOf(block: Block): Rate | null {
  let rate: Rate | null = null;
  for (const d of block.directives) {
    if (d.name !== 'max-msg-rate' && d.name !== 'max-msg-per-hour') continue;
    rate = { perHour: perHourOf(d, d.value), place: shortPlace(d.file, d.line) };
  }
  return rate;
}

function sourceIpRatesOf(block: Block): SourceIpRate[] {
  const out: SourceIpRate[] = [];
  for (const d of block.directives) {
    if (d.name !== 'source-ip-max-msg-rate') continue;
    const [where, ...rest] = d.value.split(/\s+/);
    if (where === undefined || rest.length === 0) fail(d, `${d.name}: expected an IP or CIDR and a rate, such as 203.0.113.0/24 500/h`);
    const rate = { perHour: perHourOf(d, rest.join(' ')), place: shortPlace(d.file, d.line) };
    const cidr = cidrOf(where);
    if (cidr !== null) out.push({ ip: null, cidr, rate });
    else if (!where.includes('/')) out.push({ ip: where, cidr: { net: 0, mask: 0 }, rate });
    else fail(d, `${d.name}: '${where}' is not an IP address or IPv4 network`);
  }
  return out;
}

export function appliesTo(r: SourceIpRate, ip: string): boolean {
  return r.ip !== null ? r.ip === ip : inCidrs(ip, [r.cidr]);
}

export function macrosOf(root: Block): Map<string, string[]> {
  const macros = new Map<string, string[]>();
  for (const d of root.directives) {
    if (d.name !== 'domain-macro') continue;
    const [name, ...rest] = d.value.split(/\s+/);
    macros.set(
      name,
      rest
        .join(' ')
        .split(/[\s,]+/)
        .filter((s) => s !== ''),
    );
  }
  return macros;
}

function expandMacros(arg: string, macros: Map<string, string[]>, at: Block): string[] {
  const m = /\$(\w+)/.exec(arg);
  if (m === null) return [arg];
  const values = macros.get(m[1]);
  if (values === undefined) fail(at, `<domain ${arg}>: no domain-macro named ${m[1]}`);
  return values.flatMap((v) => expandMacros(arg.replace(m[0], v), macros, at));
}

export function domainsOf(block: Block, macros: Map<string, string[]>): DomainBlock[] {
  return block.blocks
    .filter((b) => b.tag === 'domain')
    .map((b) => ({
      patterns: b.args
        .flatMap((a) => expandMacros(a, macros, b))
        .map(patternOf)
        .filter((p): p is Pattern => p !== null),
      rate: rateOf(b),
      sourceIp: sourceIpRatesOf(b),
    }));
}

function sourceHosts(directives: readonly Directive[], vmta: Vmta): void {
  for (const d of directives) {
    if (d.name !== 'smtp-source-host') continue;
    const ip = d.value.split(/\s+/)[0];
    if (!ip.includes('/')) {
      vmta.ips.add(ip);
      continue;
    }
    const cidr = cidrOf(ip);
    if (cidr !== null) vmta.cidrs.push(cidr);
  }
}

function newVmta(name: string): Vmta {
  return { name, ips: new Set(), cidrs: [], domains: [], pools: [] };
}

/** The virtual MTAs by name: the default one (the global smtp-source-host), then each block. */
export function vmtasOf(root: Block, macros: Map<string, string[]>): Map<string, Vmta> {
  const vmtas = new Map<string, Vmta>();
  const def = newVmta('{default}');
  sourceHosts(root.directives, def);
  if (def.ips.size > 0 || def.cidrs.length > 0) vmtas.set(def.name, def);
  for (const b of root.blocks) {
    if (b.tag !== 'virtual-mta' || b.args.length === 0) continue;
    const v = vmtas.get(b.args[0]) ?? newVmta(b.args[0]);
    sourceHosts(b.directives, v);
    v.domains.push(...domainsOf(b, macros));
    vmtas.set(v.name, v);
  }
  return vmtas;
}

/** The pools, each with its members; a member learns the pool's domain blocks. */
export function poolsOf(root: Block, vmtas: ReadonlyMap<string, Vmta>, macros: Map<string, string[]>): Pool[] {
  const pools: Pool[] = [];
  for (const b of root.blocks) {
    if (b.tag !== 'virtual-mta-pool' || b.args.length === 0) continue;
    const members = b.directives
      .filter((d) => d.name === 'virtual-mta')
      .map((d) => vmtas.get(d.value.split(/\s+/)[0]))
      .filter((v): v is Vmta => v !== undefined);
    const pool = { name: b.args[0], members, domains: domainsOf(b, macros) };
    for (const v of members) v.pools.push(pool.domains);
    pools.push(pool);
  }
  return pools;
}

/** Whether a virtual MTA sends from the IP (named, or inside one of its networks). */
export function holds(v: Vmta, ip: string): boolean {
  return v.ips.has(ip) || inCidrs(ip, v.cidrs);
}
