/**
 * Per sending IP and ISP, how many attempts per hour PowerMTA's config allows: what the msg-rate
 * and capacity verdicts compare the accounting log with.
 *
 * `max-msg-rate` limits one queue, a (recipient domain, virtual MTA) pair. The logs give the
 * sending IP (`dlvSourceIp`) and the ISP, not the queue, so:
 * - an IP belongs to the `<virtual-mta>` blocks whose `smtp-source-host` names it (or a CIDR
 *   holding it); the global `smtp-source-host` is the default virtual MTA's;
 * - a queue's rate is the `max-msg-rate` (or the older `max-msg-per-hour`) of the most specific
 *   `<domain>` pattern matching its domain among the blocks nested in the virtual MTA, in the
 *   `<virtual-mta-pool>` blocks listing it, and at the top level; on equal patterns the virtual
 *   MTA's block wins, then the pool's (the guide does not spell the precedence out);
 * - an ISP's queues are the domains that some `<domain>` block with a rate names and that map to
 *   that ISP (gmail.com, googlemail.com → gmail; `NAME.rollup` too); `domain-macro` is expanded;
 * - an IP's limit for an ISP is the sum over its virtual MTAs and the ISP's queues (an upper bound:
 *   over it, the config and reality disagree for sure); unlimited if any part is.
 */
import type { IspMap } from '../classify/isp-map.js';
import { PmtaAcctError } from '../errors.js';
import { readPmtaConfig, shortPlace, type Block, type Directive } from './parse.js';
import { ratePerHour } from './rate.js';

export interface IpLimit {
  /** Attempts per hour the IP may make to the ISP. */
  readonly perHour: number;
  /** The virtual MTAs that send from the IP. */
  readonly vmtas: readonly string[];
  /** Where the rates come from: `config:34` of each max-msg-rate line used. */
  readonly places: readonly string[];
}

export interface PoolLimit {
  readonly perHour: number;
  /** Virtual MTAs in the pool. */
  readonly vmtas: number;
}

export interface PoolLimits {
  readonly name: string;
  /** ISPs the pool has a finite limit for, sorted. */
  readonly isps: readonly string[];
  /** Whether a sending IP belongs to one of the pool's virtual MTAs. */
  has(ip: string): boolean;
  limitOf(isp: string): PoolLimit | null;
}

export interface RateLimits {
  readonly file: string;
  /** Null when the IP is not in the config or its limit for the ISP is unlimited. */
  limitOf(ip: string, isp: string): IpLimit | null;
  readonly pools: readonly PoolLimits[];
}

interface Rate {
  readonly perHour: number;
  readonly place: string | null;
}

const UNLIMITED: Rate = { perHour: Number.POSITIVE_INFINITY, place: null };

interface Pattern {
  /** The domain part (`gmail.com` of `*.gmail.com`), lowercase; '' for `*`. */
  readonly base: string;
  readonly exact: boolean;
  readonly subdomains: boolean;
}

interface DomainBlock {
  readonly patterns: readonly Pattern[];
  readonly rate: Rate | null;
}

interface Vmta {
  readonly name: string;
  readonly ips: Set<string>;
  readonly cidrs: { readonly net: number; readonly mask: number }[];
  readonly domains: DomainBlock[];
  /** Domain blocks of the pools that list this virtual MTA, in file order. */
  readonly pools: DomainBlock[][];
}

function fail(d: { file: string; line: number }, message: string): never {
  throw new PmtaAcctError('BAD_CONFIG', `${d.file}:${d.line}: ${message}`);
}

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function patternOf(text: string): Pattern | null {
  const p = text.toLowerCase();
  if (p === '*') return { base: '', exact: false, subdomains: true };
  if (p.startsWith('[*.]')) return { base: p.slice(4), exact: true, subdomains: true };
  if (p.startsWith('*.')) return { base: p.slice(2), exact: false, subdomains: true };
  if (p.startsWith('[') || p.includes('/') || p.includes('*')) return null;
  return { base: p, exact: true, subdomains: false };
}

/** How specifically a pattern matches domain d: -1 no match, 0 `*`, higher for longer and exact. */
function specificity(p: Pattern, d: string): number {
  if (p.base === '') return 0;
  if (p.exact && d === p.base) return 2 * p.base.length + 2;
  if (p.subdomains && d.endsWith(`.${p.base}`)) return 2 * p.base.length + 1;
  return -1;
}

function rateOf(block: Block): Rate | null {
  let rate: Rate | null = null;
  for (const d of block.directives) {
    if (d.name !== 'max-msg-rate' && d.name !== 'max-msg-per-hour') continue;
    const perHour = d.name === 'max-msg-rate' ? ratePerHour(d.value) : /^\d+$/.test(d.value) ? (Number(d.value) === 0 ? Number.POSITIVE_INFINITY : Number(d.value)) : Number.NaN;
    if (Number.isNaN(perHour)) fail(d, `${d.name}: '${d.value}' is not a rate (use unlimited or N/h, N/15m, N/5s, N/day...)`);
    rate = { perHour, place: shortPlace(d.file, d.line) };
  }
  return rate;
}

function macrosOf(root: Block): Map<string, string[]> {
  const macros = new Map<string, string[]>();
  for (const d of root.directives) {
    if (d.name !== 'domain-macro') continue;
    const [name, ...rest] = d.value.split(/\s+/);
    macros.set(name, rest.join(' ').split(/[\s,]+/).filter((s) => s !== ''));
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

function domainsOf(block: Block, macros: Map<string, string[]>): DomainBlock[] {
  return block.blocks
    .filter((b) => b.tag === 'domain')
    .map((b) => ({
      patterns: b.args.flatMap((a) => expandMacros(a, macros, b)).map(patternOf).filter((p): p is Pattern => p !== null),
      rate: rateOf(b),
    }));
}

function sourceHosts(directives: readonly Directive[], vmta: Vmta): void {
  for (const d of directives) {
    if (d.name !== 'smtp-source-host') continue;
    const ip = d.value.split(/\s+/)[0];
    const slash = ip.indexOf('/');
    if (slash < 0) {
      vmta.ips.add(ip);
      continue;
    }
    const net = ipv4(ip.slice(0, slash));
    const bits = Number(ip.slice(slash + 1));
    if (net === null || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    vmta.cidrs.push({ net: (net & mask) >>> 0, mask });
  }
}

export function rateLimitsOf(root: Block, isps: IspMap): RateLimits {
  const macros = macrosOf(root);
  const global = domainsOf(root, macros);
  const vmtas = new Map<string, Vmta>();
  const def: Vmta = { name: '{default}', ips: new Set(), cidrs: [], domains: [], pools: [] };
  sourceHosts(root.directives, def);
  if (def.ips.size > 0 || def.cidrs.length > 0) vmtas.set(def.name, def);
  for (const b of root.blocks) {
    if (b.tag !== 'virtual-mta' || b.args.length === 0) continue;
    const v: Vmta = vmtas.get(b.args[0]) ?? { name: b.args[0], ips: new Set(), cidrs: [], domains: [], pools: [] };
    sourceHosts(b.directives, v);
    v.domains.push(...domainsOf(b, macros));
    vmtas.set(v.name, v);
  }
  const pools: { name: string; members: Vmta[]; domains: DomainBlock[] }[] = [];
  for (const b of root.blocks) {
    if (b.tag !== 'virtual-mta-pool' || b.args.length === 0) continue;
    const members = b.directives.filter((d) => d.name === 'virtual-mta').map((d) => vmtas.get(d.value.split(/\s+/)[0])).filter((v): v is Vmta => v !== undefined);
    const pool = { name: b.args[0], members, domains: domainsOf(b, macros) };
    for (const v of members) v.pools.push(pool.domains);
    pools.push(pool);
  }

  // The queue domains of each ISP: every pattern of a block that sets a rate.
  const queues = new Map<string, Set<string>>();
  const everyBlock = [...global, ...[...vmtas.values()].flatMap((v) => v.domains), ...pools.flatMap((p) => p.domains)];
  for (const block of everyBlock) {
    if (block.rate === null) continue;
    for (const p of block.patterns) {
      if (p.base === '') continue;
      const isp = isps.ispOfDomain(p.base);
      if (isp === undefined) continue;
      let set = queues.get(isp);
      if (set === undefined) queues.set(isp, (set = new Set()));
      set.add(p.base);
    }
  }

  const queueRate = (v: Vmta, domain: string): Rate => {
    const contexts = [v.domains, ...v.pools, global];
    let best: Rate = UNLIMITED;
    let bestScore = -1;
    for (const blocks of contexts) {
      for (const block of blocks) {
        if (block.rate === null) continue;
        const score = Math.max(...block.patterns.map((p) => specificity(p, domain)), -1);
        // Strictly better only: on a tie the earlier context (virtual MTA, then pool) keeps it.
        if (score > bestScore) {
          best = block.rate;
          bestScore = score;
        }
      }
    }
    return best;
  };

  const vmtaCache = new Map<string, { perHour: number; places: string[] }>();
  const vmtaLimit = (v: Vmta, isp: string): { perHour: number; places: string[] } => {
    const key = `${v.name}\u0000${isp}`;
    let hit = vmtaCache.get(key);
    if (hit === undefined) {
      const rates = [...(queues.get(isp) ?? [])].map((d) => queueRate(v, d));
      hit = rates.length === 0
        ? { perHour: Number.POSITIVE_INFINITY, places: [] }
        : { perHour: rates.reduce((s, r) => s + r.perHour, 0), places: [...new Set(rates.map((r) => r.place ?? ''))].filter((p) => p !== '') };
      vmtaCache.set(key, hit);
    }
    return hit;
  };

  const holds = (v: Vmta, ip: string): boolean => {
    if (v.ips.has(ip)) return true;
    if (v.cidrs.length === 0) return false;
    const n = ipv4(ip);
    return n !== null && v.cidrs.some((c) => ((n & c.mask) >>> 0) === c.net);
  };

  const ipCache = new Map<string, IpLimit | null>();
  const limitOf = (ip: string, isp: string): IpLimit | null => {
    const key = `${ip}\u0000${isp}`;
    if (ipCache.has(key)) return ipCache.get(key) ?? null;
    const own = [...vmtas.values()].filter((v) => holds(v, ip));
    const parts = own.map((v) => vmtaLimit(v, isp));
    const perHour = parts.reduce((s, p) => s + p.perHour, 0);
    const limit = own.length === 0 || !Number.isFinite(perHour)
      ? null
      : { perHour, vmtas: own.map((v) => v.name), places: [...new Set(parts.flatMap((p) => p.places))] };
    ipCache.set(key, limit);
    return limit;
  };

  const poolLimits: PoolLimits[] = pools.map((p) => {
    const limitOfPool = (isp: string): PoolLimit | null => {
      if (p.members.length === 0) return null;
      const perHour = p.members.reduce((s, v) => s + vmtaLimit(v, isp).perHour, 0);
      return Number.isFinite(perHour) ? { perHour, vmtas: p.members.length } : null;
    };
    return {
      name: p.name,
      isps: [...queues.keys()].filter((isp) => limitOfPool(isp) !== null).sort(),
      has: (ip: string) => p.members.some((v) => holds(v, ip)),
      limitOf: limitOfPool,
    };
  });

  return { file: root.file, limitOf, pools: poolLimits };
}

/** Read `--pmta-config FILE` (with its includes) into per-IP and per-pool limits. */
export function loadRateLimits(file: string, isps: IspMap): RateLimits {
  return rateLimitsOf(readPmtaConfig(file), isps);
}
