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
 *   over it, the config and reality disagree for sure); unlimited if any part is;
 * - `source-ip-max-msg-rate CIDR RATE` in a `<domain>` block caps one source IP's attempts to
 *   that domain, whatever its virtual MTAs add up to: the IP's limit for a queue domain is the
 *   smaller of the two (the most specific block with a rule for the IP gives the cap). Pools'
 *   capacity sums queue rates only.
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

interface SourceIpRate {
  /** The IP itself (any family), or an IPv4 network. */
  readonly ip: string | null;
  readonly net: number;
  readonly mask: number;
  readonly rate: Rate;
}

interface DomainBlock {
  readonly patterns: readonly Pattern[];
  readonly rate: Rate | null;
  readonly sourceIp: readonly SourceIpRate[];
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
  throw new PmtaAcctError('BAD_CONFIG', message, { at: { file: d.file, line: d.line } });
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

function perHourOf(d: Directive, text: string): number {
  const perHour = ratePerHour(text);
  if (Number.isNaN(perHour)) fail(d, `${d.name}: '${text}' is not a rate (use unlimited or N/h, N/15m, N/5s, N/day...)`);
  return perHour;
}

/** An IPv4 network `a.b.c.d/n` as (net, mask), or null. */
function cidrOf(text: string): { net: number; mask: number } | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const net = ipv4(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (net === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: (net & mask) >>> 0, mask };
}

function sourceIpRatesOf(block: Block): SourceIpRate[] {
  const out: SourceIpRate[] = [];
  for (const d of block.directives) {
    if (d.name !== 'source-ip-max-msg-rate') continue;
    const [where, ...rest] = d.value.split(/\s+/);
    if (where === undefined || rest.length === 0) fail(d, `${d.name}: expected an IP or CIDR and a rate, such as 203.0.113.0/24 500/h`);
    const rate = { perHour: perHourOf(d, rest.join(' ')), place: shortPlace(d.file, d.line) };
    const cidr = cidrOf(where);
    if (cidr !== null) out.push({ ip: null, ...cidr, rate });
    else if (!where.includes('/')) out.push({ ip: where, net: 0, mask: 0, rate });
    else fail(d, `${d.name}: '${where}' is not an IP address or IPv4 network`);
  }
  return out;
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

  // The queue domains of each ISP: every pattern of a block that sets a rate (for IPs, also those
  // that set a per-source-IP rate).
  const queues = new Map<string, Set<string>>();
  const ipQueues = new Map<string, Set<string>>();
  const everyBlock = [...global, ...[...vmtas.values()].flatMap((v) => v.domains), ...pools.flatMap((p) => p.domains)];
  const add = (to: Map<string, Set<string>>, isp: string, domain: string) => {
    let set = to.get(isp);
    if (set === undefined) to.set(isp, (set = new Set()));
    set.add(domain);
  };
  for (const block of everyBlock) {
    if (block.rate === null && block.sourceIp.length === 0) continue;
    for (const p of block.patterns) {
      if (p.base === '') continue;
      const isp = isps.ispOfDomain(p.base);
      if (isp === undefined) continue;
      if (block.rate !== null) add(queues, isp, p.base);
      add(ipQueues, isp, p.base);
    }
  }

  /** The rate of the most specific block for `domain` that `pick` finds one in (UNLIMITED: none). */
  const mostSpecific = (v: Vmta, domain: string, pick: (b: DomainBlock) => Rate | null): Rate => {
    const contexts = [v.domains, ...v.pools, global];
    let best: Rate = UNLIMITED;
    let bestScore = -1;
    for (const blocks of contexts) {
      for (const block of blocks) {
        const rate = pick(block);
        if (rate === null) continue;
        const score = Math.max(...block.patterns.map((p) => specificity(p, domain)), -1);
        // Strictly better only: on a tie the earlier context (virtual MTA, then pool) keeps it.
        if (score > bestScore) {
          best = rate;
          bestScore = score;
        }
      }
    }
    return best;
  };
  const queueRate = (v: Vmta, domain: string): Rate => mostSpecific(v, domain, (b) => b.rate);
  const matches = (r: SourceIpRate, ip: string): boolean => {
    if (r.ip !== null) return r.ip === ip;
    const n = ipv4(ip);
    return n !== null && ((n & r.mask) >>> 0) === r.net;
  };
  const sourceIpRate = (v: Vmta, domain: string, ip: string): Rate =>
    mostSpecific(v, domain, (b) => b.sourceIp.find((r) => matches(r, ip))?.rate ?? null);

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
    let perHour = 0;
    const places: string[] = [];
    for (const domain of ipQueues.get(isp) ?? []) {
      // What the IP's virtual MTAs may send to the queue domain, capped by the domain's per-IP rate.
      const rates = own.map((v) => queueRate(v, domain));
      const sum = rates.reduce((s, r) => s + r.perHour, 0);
      const caps = own.map((v) => sourceIpRate(v, domain, ip)).filter((r) => r.place !== null);
      const cap = caps.reduce<Rate>((m, r) => (r.perHour < m.perHour ? r : m), UNLIMITED);
      if (cap.perHour < sum) {
        perHour += cap.perHour;
        if (cap.place !== null) places.push(cap.place);
      } else {
        perHour += sum;
        for (const r of rates) if (r.place !== null) places.push(r.place);
      }
    }
    if (ipQueues.get(isp) === undefined) perHour = Number.POSITIVE_INFINITY;
    const limit = own.length === 0 || !Number.isFinite(perHour)
      ? null
      : { perHour, vmtas: own.map((v) => v.name), places: [...new Set(places)] };
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
