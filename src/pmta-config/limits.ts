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
import { readPmtaConfig, type Block } from './parse.js';
import {
  appliesTo,
  domainsOf,
  holds,
  macrosOf,
  poolsOf,
  vmtasOf,
  type DomainBlock,
  type Pattern,
  type Pool,
  type Rate,
  type Vmta,
} from './rate-blocks.js';

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

const UNLIMITED: Rate = { perHour: Number.POSITIVE_INFINITY, place: null };

/** How specifically a pattern matches domain d: -1 no match, 0 `*`, higher for longer and exact. */
function specificity(p: Pattern, d: string): number {
  if (p.base === '') return 0;
  if (p.exact && d === p.base) return 2 * p.base.length + 2;
  if (p.subdomains && d.endsWith(`.${p.base}`)) return 2 * p.base.length + 1;
  return -1;
}

function addTo(to: Map<string, Set<string>>, isp: string, domain: string): void {
  let set = to.get(isp);
  if (set === undefined) to.set(isp, (set = new Set()));
  set.add(domain);
}

/**
 * The queue domains of each ISP: every pattern of a block that sets a rate (`rated`) and, for
 * IPs, also those that set a per-source-IP rate (`forIps`).
 */
function queueDomains(blocks: readonly DomainBlock[], isps: IspMap): { rated: Map<string, Set<string>>; forIps: Map<string, Set<string>> } {
  const rated = new Map<string, Set<string>>();
  const forIps = new Map<string, Set<string>>();
  for (const block of blocks) {
    if (block.rate === null && block.sourceIp.length === 0) continue;
    for (const p of block.patterns) {
      if (p.base === '') continue;
      const isp = isps.ispOfDomain(p.base);
      if (isp === undefined) continue;
      if (block.rate !== null) addTo(rated, isp, p.base);
      addTo(forIps, isp, p.base);
    }
  }
  return { rated, forIps };
}

/** The rate of the most specific block for `domain` that `pick` finds one in (UNLIMITED: none). */
function mostSpecific(contexts: readonly (readonly DomainBlock[])[], domain: string, pick: (b: DomainBlock) => Rate | null): Rate {
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
}

/** The limits a parsed config sets, answered per (IP, ISP) and per pool, each worked out once. */
class ConfigLimits implements RateLimits {
  readonly file: string;
  readonly pools: readonly PoolLimits[];
  private readonly vmtas: readonly Vmta[];
  private readonly global: readonly DomainBlock[];
  private readonly rated: Map<string, Set<string>>;
  private readonly forIps: Map<string, Set<string>>;
  private readonly vmtaCache = new Map<string, number>();
  private readonly ipCache = new Map<string, IpLimit | null>();

  constructor(root: Block, isps: IspMap) {
    const macros = macrosOf(root);
    this.file = root.file;
    this.global = domainsOf(root, macros);
    const byName = vmtasOf(root, macros);
    const pools = poolsOf(root, byName, macros);
    this.vmtas = [...byName.values()];
    const every = [...this.global, ...this.vmtas.flatMap((v) => v.domains), ...pools.flatMap((p) => p.domains)];
    ({ rated: this.rated, forIps: this.forIps } = queueDomains(every, isps));
    this.pools = pools.map((p) => this.poolLimits(p));
  }

  limitOf(ip: string, isp: string): IpLimit | null {
    const key = `${ip}\u0000${isp}`;
    let limit = this.ipCache.get(key);
    if (limit === undefined) {
      limit = this.ipLimit(ip, isp);
      this.ipCache.set(key, limit);
    }
    return limit;
  }

  private ipLimit(ip: string, isp: string): IpLimit | null {
    const own = this.vmtas.filter((v) => holds(v, ip));
    const domains = this.forIps.get(isp);
    if (own.length === 0 || domains === undefined) return null;
    let perHour = 0;
    const places: string[] = [];
    for (const domain of domains) {
      // What the IP's virtual MTAs may send to the queue domain, capped by the domain's per-IP rate.
      const rates = own.map((v) => this.queueRate(v, domain));
      const sum = rates.reduce((s, r) => s + r.perHour, 0);
      const caps = own.map((v) => this.sourceIpRate(v, domain, ip)).filter((r) => r.place !== null);
      const cap = caps.reduce<Rate>((m, r) => (r.perHour < m.perHour ? r : m), UNLIMITED);
      if (cap.perHour < sum) {
        perHour += cap.perHour;
        if (cap.place !== null) places.push(cap.place);
      } else {
        perHour += sum;
        for (const r of rates) if (r.place !== null) places.push(r.place);
      }
    }
    return Number.isFinite(perHour) ? { perHour, vmtas: own.map((v) => v.name), places: [...new Set(places)] } : null;
  }

  private contexts(v: Vmta): readonly (readonly DomainBlock[])[] {
    return [v.domains, ...v.pools, this.global];
  }

  private queueRate(v: Vmta, domain: string): Rate {
    return mostSpecific(this.contexts(v), domain, (b) => b.rate);
  }

  private sourceIpRate(v: Vmta, domain: string, ip: string): Rate {
    return mostSpecific(this.contexts(v), domain, (b) => b.sourceIp.find((r) => appliesTo(r, ip))?.rate ?? null);
  }

  /** Attempts per hour a virtual MTA may make to the ISP's rated queues (infinite: unlimited). */
  private vmtaPerHour(v: Vmta, isp: string): number {
    const key = `${v.name}\u0000${isp}`;
    let perHour = this.vmtaCache.get(key);
    if (perHour === undefined) {
      const domains = [...(this.rated.get(isp) ?? [])];
      perHour = domains.length === 0 ? Number.POSITIVE_INFINITY : domains.reduce((s, d) => s + this.queueRate(v, d).perHour, 0);
      this.vmtaCache.set(key, perHour);
    }
    return perHour;
  }

  private poolLimits(p: Pool): PoolLimits {
    const limitOf = (isp: string): PoolLimit | null => {
      if (p.members.length === 0) return null;
      const perHour = p.members.reduce((s, v) => s + this.vmtaPerHour(v, isp), 0);
      return Number.isFinite(perHour) ? { perHour, vmtas: p.members.length } : null;
    };
    return {
      name: p.name,
      isps: [...this.rated.keys()].filter((isp) => limitOf(isp) !== null).sort(),
      has: (ip: string) => p.members.some((v) => holds(v, ip)),
      limitOf,
    };
  }
}

/** Read `--pmta-config FILE` (with its includes) into per-IP and per-pool limits. */
export function loadRateLimits(file: string, isps: IspMap): RateLimits {
  return new ConfigLimits(readPmtaConfig(file), isps);
}
