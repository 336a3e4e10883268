/**
 * The shape every contender of the benchmark reports, so that their counts can be compared before
 * any speed is printed: counters by (hour bucket, isp, ip).
 */
export const PLAIN_COUNTERS = [
  'delivered',
  'deferred',
  'queueDeferred',
  'bounced',
  'hardBounced',
  'softBounced',
  'complaints',
  'remoteBounced',
  'remoteStatus',
  'received',
  'deliveredBytes',
] as const;

export type PlainCounts = Record<(typeof PLAIN_COUNTERS)[number], number>;

/** key `${bucketStartEpochSeconds}|${isp}|${ip}` → counts */
export type PlainRollup = Map<string, PlainCounts>;

export function emptyCounts(): PlainCounts {
  return Object.fromEntries(PLAIN_COUNTERS.map((c) => [c, 0])) as PlainCounts;
}

export function plainKey(bucket: number | null, isp: string, ip: string): string {
  return `${bucket === null ? '' : bucket}|${isp}|${ip}`;
}

interface JsonGroupLike {
  readonly bucket?: string | null;
  readonly key: Readonly<Record<string, string>>;
  readonly [name: string]: unknown;
}

/** pmta-acct's JSON groups (--by isp,ip --bucket 1h) as a PlainRollup. */
export function fromReportJson(groups: readonly JsonGroupLike[]): PlainRollup {
  const out: PlainRollup = new Map();
  for (const g of groups) {
    const bucket = g.bucket === undefined || g.bucket === null ? null : Date.parse(g.bucket) / 1000;
    const counts = emptyCounts();
    for (const c of PLAIN_COUNTERS) counts[c] = Number(g[c]);
    out.set(plainKey(bucket, g.key.isp ?? '', g.key.ip ?? ''), counts);
  }
  return out;
}

/** The first difference between two rollups, or null when they are equal. */
export function firstDifference(a: PlainRollup, b: PlainRollup): string | null {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of [...keys].sort()) {
    const x = a.get(k) ?? emptyCounts();
    const y = b.get(k) ?? emptyCounts();
    for (const c of PLAIN_COUNTERS) {
      if (x[c] !== y[c]) return `${k}: ${c} ${x[c]} != ${y[c]}`;
    }
  }
  return null;
}

export function totalOf(r: PlainRollup): PlainCounts {
  const t = emptyCounts();
  for (const c of r.values()) for (const n of PLAIN_COUNTERS) t[n] += c[n];
  return t;
}
