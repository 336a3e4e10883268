/**
 * ship against the two faults of an insert itself (issue 14), through a TCP proxy between ship and
 * one server (test/helpers/tcp-proxy.ts):
 * - the server killed (SIGKILL) while an insert's body is on its way, then restarted: the round
 *   fails in one line, the re-run ships it, and the store's figures equal the state's;
 * - an insert that committed whose reply is lost: the round fails in one line, the ledger has not
 *   moved, so the re-run sends the same rows again, and they replace rather than add.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, type CliResult, type JsonReport } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';
import { HEADER } from '../helpers/acct-writer.js';
import { acctRow } from '../helpers/promtool.js';
import { nowAt, tailOnce } from '../helpers/tail.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { judged, migrate, schemaFiveCopy } from '../helpers/fleet-judged.js';

const COUNTERS = ['delivered', 'deferred', 'bounced', 'complaints', 'deliveredBytes'] as const;
const HOST = 'mta-f';
const DAY = Date.parse('2026-11-02T00:00:00Z') / 1000;

/** A day of a record a minute per ISP and IP: about 3,500 groups, an insert of some megabytes. */
function day(from: number, seed: number): string {
  const out: string[] = [];
  const isps = ['gmail.com', 'yahoo.com', 'outlook.com', 'web.de'];
  for (let m = 0; m < 24 * 60; m++)
    for (let k = 0; k < 12; k++) {
      const i = m * 12 + k + seed;
      const type = i % 11 === 0 ? 'b' : i % 7 === 0 ? 't' : 'd';
      out.push(acctRow(type, isps[k % 4], `10.0.0.${1 + (k % 3)}`, from + m * 60 + k, type === 'b' ? 'bad-mailbox' : ''));
    }
  return `${out.join('\n')}\n`;
}

/** The built CLI without blocking this process (the proxy runs in its event loop). */
function runAsync(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The report's groups by ISP and IP, counters only: the figures to compare. */
function figures(args: readonly string[]): Record<string, Record<string, number>> {
  const r = runCli(['report', ...args, '--by', 'isp,ip', '--format', 'json', '--no-verdicts']);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as JsonReport;
  return Object.fromEntries(
    report.groups.map((g) => [`${g.key.isp}/${g.key.ip}`, Object.fromEntries(COUNTERS.map((c) => [c, Number(g[c])]))]),
  );
}

describe('ship through a killed server and a lost reply', () => {
  let set: ClickHouseSet;
  let proxy: TcpProxy;
  let direct: string;
  let viaProxy: string;
  let live: string;
  let state: string;
  beforeAll(async () => {
    set = await startClickHouse();
    direct = set.servers[0].url('pmta');
    expect(runCli(['clickhouse', 'init', '--clickhouse', direct]).code).toBe(0);
    proxy = await startTcpProxy(set.servers[0].httpPort);
    viaProxy = `http://127.0.0.1:${proxy.port}/pmta`;
    const dir = mkdtempSync(join(tmpdir(), 'pmta-ship-faults-'));
    live = join(dir, 'acct.csv');
    state = join(dir, 'state');
    writeFileSync(live, `${HEADER}\n${day(DAY, 0)}`);
    expect(tailOnce(live, state, ['--from', 'beginning'], [], nowAt('2026-11-03T01:00:00Z')).code).toBe(0);
  });
  afterAll(async () => {
    await proxy?.close();
    await set?.stop();
  });

  const ship = (url: string) => runAsync(['ship', '--state', state, '--clickhouse', url, '--host', HOST, '--once']);
  const store = () => figures(['--clickhouse', direct, '--hosts', HOST]);
  const own = () => figures(['--state', state]);
  /**
   * The verdicts and incidents from isp_groups (its series and bands) equal those read from groups
   * alone (a schema-5 copy of the store), and again once init migrated the copy (its backfill).
   */
  const sameJudgement = async (copy: string, now: string) => {
    const fromNarrow = judged(['--clickhouse', direct, '--hosts', HOST], nowAt(now));
    expect(fromNarrow.verdicts.length).toBeGreaterThan(0);
    expect(fromNarrow.incidents.length).toBeGreaterThan(0);
    await schemaFiveCopy(set.servers, null, 'pmta', copy);
    const wide = set.servers[0].url(copy);
    // ship refuses the older store (it would write no isp_groups): one line, exit 3.
    const refused = await ship(wide);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/schema is version 5, older than this command needs \(6\): run pmta-acct clickhouse init/);
    expect(judged(['--clickhouse', wide, '--hosts', HOST], nowAt(now))).toEqual(fromNarrow);
    migrate(set.servers, null, copy);
    expect(judged(['--clickhouse', wide, '--hosts', HOST], nowAt(now))).toEqual(fromNarrow);
  };

  it('re-ships a round whose insert was cut short by the server being killed', async () => {
    const server = set.servers[0];
    const { fired } = proxy.arm({ kind: 'cut', match: /^INSERT INTO pmta\.groups\b/, bytes: 64 * 1024, onCut: () => server.kill() });
    const cut = await ship(viaProxy);
    await fired;
    expect(cut.code, cut.stdout).toBe(3);
    const lines = cut.stderr.trim().split('\n');
    expect(lines, cut.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^pmta-acct: ClickHouse http:\/\/127\.0\.0\.1:\d+\/pmta: /);
    expect(server.running).toBe(false);
    await server.start();
    // Nothing of the round was acknowledged: the whole day goes again, and only once.
    const again = await ship(direct);
    expect(again.code, again.stderr).toBe(0);
    // A day of 5-minute buckets and its 24 hours (both tiers written at every commit).
    expect(again.stdout).toMatch(/^shipped 312 buckets \(\d+ groups, 0 withdrawn\)/);
    expect(Object.keys(own()).length).toBe(12);
    expect(store()).toEqual(own());
    await sameJudgement('cut', '2026-11-03T01:00:00Z');
  });

  it('re-sends a committed round whose reply was lost, and counts it once', async () => {
    appendFileSync(live, day(DAY + 86400, 1));
    const tailed = tailOnce(live, state, [], [], nowAt('2026-11-04T01:00:00Z'));
    expect(tailed.code, tailed.stderr).toBe(0);
    // The round's second insert (the per-bucket counts) commits; its reply never reaches ship.
    const { fired } = proxy.arm({ kind: 'dropReply', match: /^INSERT INTO pmta\.buckets\b/ });
    const lost = await ship(viaProxy);
    await fired;
    expect(lost.code, lost.stdout).toBe(3);
    expect(lost.stderr.trim().split('\n'), lost.stderr).toHaveLength(1);
    // Both inserts did commit: the store already has the state's figures...
    expect(store()).toEqual(own());
    // ...but the ledger did not move, so the same rows go again (the proxy passes them now),
    const again = await ship(viaProxy);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^shipped [1-9]\d* buckets \([1-9]\d* groups/);
    expect((await ship(direct)).stdout).toMatch(/^shipped 0 buckets/);
    // and replace what the lost round wrote instead of adding to it.
    expect(store()).toEqual(own());
    await set.servers[0].sql('OPTIMIZE TABLE pmta.groups FINAL');
    expect(store()).toEqual(own());
    await sameJudgement('lost', '2026-11-04T01:00:00Z');
  });

  it('re-ships a round killed between its groups and its isp_groups, whose newest ISP copy stays the previous one', async () => {
    appendFileSync(live, day(DAY + 2 * 86400, 2));
    expect(tailOnce(live, state, [], [], nowAt('2026-11-05T01:00:00Z')).code).toBe(0);
    const before = judged(['--clickhouse', direct, '--hosts', HOST], nowAt('2026-11-04T01:00:00Z'));
    const server = set.servers[0];
    const { fired } = proxy.arm({ kind: 'cut', match: /^INSERT INTO pmta\.isp_groups\b/, bytes: 1024, onCut: () => server.kill() });
    const cut = await ship(viaProxy);
    await fired;
    expect(cut.code, cut.stdout).toBe(3);
    expect(cut.stderr.trim().split('\n'), cut.stderr).toHaveLength(1);
    await server.start();
    // The round's groups are stored (the model has the new day), its ISP rows are not: the
    // verdicts and incidents up to the day before read the previous complete copy, unchanged.
    const groupsOnly = Number(
      await server.sql(`SELECT count() FROM pmta.groups WHERE version = (SELECT max(version) FROM pmta.groups) FORMAT TSV`),
    );
    expect(groupsOnly).toBeGreaterThan(0);
    expect(judged(['--clickhouse', direct, '--hosts', HOST], nowAt('2026-11-04T01:00:00Z'))).toEqual(before);
    const again = await ship(direct);
    expect(again.code, again.stderr).toBe(0);
    expect(store()).toEqual(own());
    await sameJudgement('between', '2026-11-05T01:00:00Z');
  });
});
