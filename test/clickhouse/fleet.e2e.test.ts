/**
 * Three hosts shipped into a two-shard cluster through Distributed tables: ship killed (kill -9)
 * at seeded random points and run again, a shard killed and restarted between rounds; per host
 * and in total, the fleet's figures equal each host's own report.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';
import { HEADER } from '../helpers/acct-writer.js';
import { acctRow } from '../helpers/promtool.js';
import { nowAt, tailOnce } from '../helpers/tail.js';
import { judged, migrate, schemaFiveCopy } from '../helpers/fleet-judged.js';

const COUNTERS = ['delivered', 'deferred', 'bounced', 'deliveredBytes'] as const;
const HOSTS = ['mta-a', 'mta-b', 'mta-c'];

function makeState(host: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-fleet-'));
  const live = join(dir, 'acct.csv');
  const day = Date.parse('2026-11-02T00:00:00Z') / 1000;
  const rows: string[] = [];
  for (let i = 0; i < 36 * 12 * (host + 1); i++) {
    const t = day + Math.floor((i * 300) / (host + 1));
    const type = i % (7 + host) === 0 ? 'b' : i % 4 === 0 ? 't' : 'd';
    rows.push(
      acctRow(
        type,
        ['gmail.com', 'yahoo.com', 'outlook.com', 'web.de'][(i + host) % 4],
        `10.${host}.0.${i % 3}`,
        t,
        type === 'b' ? 'bad-mailbox' : '',
      ),
    );
  }
  writeFileSync(live, `${HEADER}\n${rows.join('\n')}\n`);
  const state = join(dir, 'state');
  expect(tailOnce(live, state, ['--from', 'beginning'], [], nowAt('2026-11-03T13:00:00Z')).code).toBe(0);
  return state;
}

function stateTotals(state: string): Record<string, number> {
  const r = runCli(['report', '--state', state, '--format', 'json']);
  const total = (JSON.parse(r.stdout) as { total: Record<string, number> }).total;
  return Object.fromEntries(COUNTERS.map((c) => [c, Number(total[c])]));
}

describe('a fleet in a two-shard cluster', () => {
  let set: ClickHouseSet;
  let states: string[];
  beforeAll(async () => {
    set = await startClickHouse({ servers: 2, cluster: 'fleet' });
    for (const s of set.servers) {
      const r = runCli(['clickhouse', 'init', '--clickhouse', s.url('pmta'), '--cluster', 'fleet']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Distributed tables over cluster fleet');
    }
    states = HOSTS.map((_, i) => makeState(i));
  });
  afterAll(async () => {
    await set?.stop();
  });

  /** Per host, from the hours (written at every commit) and days: every record once (the 5-minute rows repeat the newest hours). */
  async function fleetTotals(): Promise<Map<string, Record<string, number>>> {
    const sums = COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ');
    const text = await set.servers[1].sql(
      `SELECT host, ${sums} FROM pmta.groups FINAL WHERE deleted = 0 AND grain IN ('1h', '1d') GROUP BY host FORMAT JSONEachRow`,
      undefined,
      { output_format_json_quote_64bit_integers: 0 },
    );
    const out = new Map<string, Record<string, number>>();
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => l !== '')) {
      const { host, ...rest } = JSON.parse(line) as Record<string, number> & { host: string };
      out.set(host, rest);
    }
    return out;
  }

  function shipArgs(i: number): string[] {
    return [
      CLI,
      'ship',
      '--state',
      states[i],
      '--clickhouse',
      set.servers[i % 2].url('pmta'),
      '--host',
      HOSTS[i],
      '--once',
      '--round',
      '5',
    ];
  }

  it('survive ship killed at seeded points and a shard restarted, and sum exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 50, max: 900 }), { minLength: 2, maxLength: 2 }), async (delays) => {
        // Kill each host's ship after a random delay (kill -9), once per delay.
        for (const ms of delays) {
          await Promise.all(
            HOSTS.map(
              (_, i) =>
                new Promise<void>((resolve) => {
                  const child = spawn(process.execPath, shipArgs(i), { cwd: ROOT, stdio: 'ignore' });
                  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
                  child.on('exit', () => {
                    clearTimeout(timer);
                    resolve();
                  });
                }),
            ),
          );
        }
        return true;
      }),
      { numRuns: 1, seed: 14 },
    );
    // A shard killed and brought back: what was acknowledged is on its disk.
    await set.servers[1].kill();
    const away = runCli(shipArgs(0).slice(1));
    expect(away.code).toBe(3);
    expect(away.stderr.trim().split('\n')).toHaveLength(1);
    await set.servers[1].start();
    for (let i = 0; i < HOSTS.length; i++) {
      const r = runCli(shipArgs(i).slice(1));
      expect(r.code, r.stderr).toBe(0);
    }
    const fleet = await fleetTotals();
    const total: Record<string, number> = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
    for (let i = 0; i < HOSTS.length; i++) {
      const own = stateTotals(states[i]);
      expect(fleet.get(HOSTS[i]), HOSTS[i]).toEqual(own);
      for (const c of COUNTERS) total[c] += own[c];
    }
    const all = await set.servers[0].sql(
      `SELECT ${COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM pmta.groups FINAL WHERE deleted = 0 AND grain IN ('1h', '1d') FORMAT JSONEachRow`,
      undefined,
      { output_format_json_quote_64bit_integers: 0 },
    );
    expect(JSON.parse(all)).toEqual(total);
    // The same through the tool, over the Distributed tables from either server: report --clickhouse by host.
    for (const s of set.servers) {
      const r = runCli(['report', '--clickhouse', s.url('pmta'), '--by', 'host', '--format', 'json', '--no-verdicts']);
      expect(r.code, r.stderr).toBe(0);
      const groups = (JSON.parse(r.stdout) as { groups: { key: { host: string }; [c: string]: unknown }[] }).groups;
      for (let i = 0; i < HOSTS.length; i++) {
        const g = groups.find((x) => x.key.host === HOSTS[i]);
        expect(Object.fromEntries(COUNTERS.map((c) => [c, Number(g?.[c])])), HOSTS[i]).toEqual(stateTotals(states[i]));
      }
    }
    // Each host's verdicts and incidents, read from isp_groups (its series and bands), equal those
    // read from groups alone (a schema-5 copy of the store), and again once init migrated the copy
    // on each shard (each backfills its own rows).
    const at = nowAt('2026-11-03T13:00:00Z');
    const judgedAll = (db: string) => HOSTS.map((h, i) => judged(['--clickhouse', set.servers[i % 2].url(db), '--hosts', h], at));
    const narrow = judgedAll('pmta');
    for (const j of narrow) expect(j.verdicts.length).toBeGreaterThan(0);
    await schemaFiveCopy(set.servers, 'fleet', 'pmta', 'wide');
    expect(judgedAll('wide')).toEqual(narrow);
    migrate(set.servers, 'fleet', 'wide');
    expect(judgedAll('wide')).toEqual(narrow);
    // check over the Distributed tables while each shard holds more than one part of heartbeats (a
    // row per ship; here an older one of each host added): every host has its latest heartbeat's
    // dead-man verdict, none UNKNOWN.
    const stale = HOSTS.map((host) => JSON.stringify({ host, shipped_at: 1, acked: 0, latest_event: 0, pending: 0, version: 1 }));
    await set.servers[0].sql('INSERT INTO pmta.heartbeats FORMAT JSONEachRow', stale.join('\n'), { insert_distributed_sync: 1 });
    const check = runCli(['check', '--clickhouse', set.servers[1].url('pmta'), '--host-silence', '1000d', '--format', 'json']);
    expect(check.code, check.stdout + check.stderr).toBeLessThan(3);
    const silence = (JSON.parse(check.stdout) as { verdicts: { rule: string; level: string; scope: { host?: string } }[] }).verdicts
      .filter((v) => v.rule === 'host-silence')
      .map((v) => `${v.scope.host ?? ''} ${v.level}`);
    expect(silence.sort()).toEqual(HOSTS.map((h) => `${h} OK`).sort());
    // Each host's rows are on one shard.
    for (const s of set.servers) {
      const hosts = (await s.sql('SELECT DISTINCT host FROM pmta.groups_local FORMAT TSV'))
        .trim()
        .split('\n')
        .filter((h) => h !== '');
      for (const h of hosts) expect(HOSTS).toContain(h);
    }
    // Retention per server: prune drops each shard's own partitions of its local tables.
    for (const s of set.servers) {
      const r = runCli(['clickhouse', 'prune', '--clickhouse', s.url('pmta'), '--keep', '1d'], { env: nowAt('2026-12-01T00:00:00Z') });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/dropped groups_local 5m week of 2026-11-02/);
    }
    expect((await fleetTotals()).size).toBe(0);
  });
});
