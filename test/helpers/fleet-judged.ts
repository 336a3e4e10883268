/**
 * What a report's verdicts and incidents say over the fleet store, and a copy of a store as an
 * earlier pmta-acct left it (schema 5: `groups` only, no `isp_groups`), which reads them from
 * `groups`: the same store read both ways must judge alike, and `clickhouse init` migrating the
 * copy (its backfill) must too.
 */
import { expect } from 'vitest';
import { runCli } from './cli.js';
import type { ClickHouseServer } from './clickhouse-server.js';

export interface Judged {
  readonly verdicts: unknown[];
  readonly incidents: unknown[];
}

/** `report --format json --by isp` with its verdicts and incidents at `now`, without the dead-man verdicts (their ages follow the clock). */
export function judged(args: readonly string[], now: Record<string, string>): Judged {
  const r = runCli(['report', ...args, '--by', 'isp', '--format', 'json'], { env: now });
  expect(r.code, r.stderr).toBeLessThan(3);
  const out = JSON.parse(r.stdout) as { verdicts: { rule: string }[]; incidents: unknown[] };
  return { verdicts: out.verdicts.filter((v) => v.rule !== 'host-silence'), incidents: out.incidents };
}

/**
 * Database `to` made a schema-5 copy of `from`'s groups, buckets and heartbeats on `servers` (every
 * server of `cluster`, or the one server): `init` there, `isp_groups` dropped, migrations 1-5 recorded.
 */
export async function schemaFiveCopy(
  servers: readonly ClickHouseServer[],
  cluster: string | null,
  from: string,
  to: string,
): Promise<void> {
  for (const s of servers) {
    const r = runCli(['clickhouse', 'init', '--clickhouse', s.url(to), ...(cluster === null ? [] : ['--cluster', cluster])]);
    expect(r.code, r.stderr).toBe(0);
    await s.sql(`DROP TABLE ${to}.isp_groups`);
    if (cluster !== null) await s.sql(`DROP TABLE ${to}.isp_groups_local`);
    await s.sql(`DROP TABLE ${to}.schema_migrations`);
    await s.sql(`CREATE TABLE ${to}.schema_migrations (version UInt32, what String, applied_at DateTime) ENGINE = TinyLog`);
    const done = [1, 2, 3, 4, 5].map((version) => JSON.stringify({ version, what: 'test', applied_at: 0 }));
    await s.sql(`INSERT INTO ${to}.schema_migrations FORMAT JSONEachRow`, done.join('\n'));
  }
  for (const t of ['groups', 'buckets', 'heartbeats'])
    await servers[0].sql(`INSERT INTO ${to}.${t} SELECT * FROM ${from}.${t}`, undefined, { insert_distributed_sync: 1 });
}

/** `clickhouse init` on each server: the copy migrated to schema 6 (the backfill of isp_groups). */
export function migrate(servers: readonly ClickHouseServer[], cluster: string | null, db: string): void {
  for (const s of servers) {
    const r = runCli(['clickhouse', 'init', '--clickhouse', s.url(db), ...(cluster === null ? [] : ['--cluster', cluster])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/migrations? 6 applied/);
  }
}
