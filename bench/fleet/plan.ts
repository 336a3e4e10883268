/**
 * The fleet scenario's arithmetic, apart from the servers it runs on (test/bench/fleet-plan.test.ts):
 * the hosts' names, what a `ship` line says it sent, the SQL that copies one host's rows under other
 * hosts' names, and the sizing of a fleet from the bytes one host-day takes in ClickHouse.
 */

/** `mta-001` ... : sorted as numbered, and labels ship accepts. */
export function hostNames(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `mta-${String(from + i).padStart(3, '0')}`);
}

export interface Shipped {
  readonly buckets: number;
  readonly groups: number;
  readonly withdrawn: number;
}

/** `shipped 288 buckets (82334 groups, 0 withdrawn) of mta-01 to ...`: what a `ship --once` sent. */
export function parseShipLine(stdout: string): Shipped {
  const m = /^shipped (\d+) buckets \((\d+) groups, (\d+) withdrawn\)/m.exec(stdout);
  if (m === null) throw new Error(`not a ship line: ${stdout.trim().slice(0, 200)}`);
  return { buckets: Number(m[1]), groups: Number(m[2]), withdrawn: Number(m[3]) };
}

/**
 * Copies `from`'s rows of `table` (a Distributed table: each copy lands on its own host's shard)
 * once per name of `to`, with every other column as it is: what `ship --host NAME` of a copy of
 * `from`'s state would have written. `columns` is the table's columns in order, `host` among them.
 */
export function relabelSql(db: string, table: string, columns: readonly string[], from: string, to: readonly string[]): string {
  const label = /^[A-Za-z0-9._-]+$/;
  for (const h of [from, ...to]) if (!label.test(h)) throw new Error(`not a host label: ${h}`);
  if (!columns.includes('host')) throw new Error(`${table} has no host column`);
  const picked = columns.map((c) => (c === 'host' ? '_to' : c));
  return `INSERT INTO ${db}.${table} (${columns.join(', ')}) SELECT ${picked.join(', ')} FROM ${db}.${table} ARRAY JOIN [${to
    .map((h) => `'${h}'`)
    .join(', ')}] AS _to WHERE host = '${from}'`;
}

/** The tiers a fleet store keeps (tail's --retain form): days of 5-minute rows, then days of hourly rows. */
export interface Retention {
  readonly fineDays: number;
  readonly hourDays: number;
}

export interface Sizing {
  readonly hosts: number;
  readonly bytes: number;
  readonly fineBytes: number;
  readonly hourBytes: number;
}

/**
 * A fleet's bytes on disk: each host keeps `fineDays` of 5-minute rows and `hourDays` of hourly
 * rows: tail writes an hour's row at every commit, beside its 5-minute rows (state schema 3), and
 * ship sends both, so the hours of the fine days are stored twice over.
 */
export function fleetSizing(hosts: number, perHostDay: { fine: number; hour: number }, keep: Retention): Sizing {
  if (keep.hourDays < keep.fineDays) throw new Error('hourly rows are kept at least as long as the 5-minute ones');
  const fineBytes = hosts * keep.fineDays * perHostDay.fine;
  const hourBytes = hosts * keep.hourDays * perHostDay.hour;
  return { hosts, bytes: fineBytes + hourBytes, fineBytes, hourBytes };
}

/** `1.2 GB`, `350 MB`, `12 kB` (decimal units, as du --si). */
export function bytesText(n: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(n >= size * 100 ? 0 : 1)} ${unit}`;
  return `${Math.round(n)} B`;
}
