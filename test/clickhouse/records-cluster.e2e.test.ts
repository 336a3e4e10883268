/**
 * Records over a two-shard cluster: `clickhouse init --cluster` on both servers makes the records
 * tables local + Distributed (sharded by host); two hosts' files loaded through one server land on
 * different shards, and `query --clickhouse` through either server answers as `query` over the
 * files: the literals table lives in the session of the server the query starts on, so its sets
 * travel to the shards with GLOBAL IN and its scalars are computed there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

let set: ClickHouseSet;
let dir: string;
let files: string[];
/** Two host names whose rows go to different shards (cityHash64(host) % 2). */
let hosts: [string, string];
const env = () => ({ PMTA_ACCT_HASH_KEY_FILE: join(dir, 'recipient.key') });

beforeAll(async () => {
  set = await startClickHouse({ servers: 2, cluster: 'fleet' });
  dir = mkdtempSync(join(tmpdir(), 'pmta-records-cluster-'));
  const gen = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/bench/generate-cli.js'), '--rows', '1500', '--files', '2', '--gzip', '1', '--seed', '4', '--out', join(dir, 'gen')],
    { encoding: 'utf8' },
  );
  expect(gen.status, gen.stderr).toBe(0);
  files = readdirSync(join(dir, 'gen'))
    .sort()
    .map((f) => join(dir, 'gen', f));
  const shardOf = await set.servers[0].sql(
    "SELECT groupArray(h) FROM (SELECT arrayJoin(['mx1', 'mx2', 'mx3', 'mx4', 'mx5', 'mx6']) AS h) WHERE cityHash64(h) % 2 = 0",
  );
  const even = (JSON.parse(shardOf.trim().replace(/'/g, '"')) as string[])[0];
  const odd = ['mx1', 'mx2', 'mx3', 'mx4', 'mx5', 'mx6'].find((h) => !shardOf.includes(`'${h}'`)) ?? '';
  hosts = [even, odd];
  for (const s of set.servers) {
    const r = runCli(['clickhouse', 'init', '--clickhouse', s.url('pmta'), '--cluster', 'fleet']);
    expect(r.code, r.stderr).toBe(0);
  }
  files.forEach((f, i) => {
    const r = runCli(['load', f, '--clickhouse', set.servers[0].url('pmta'), '--host', hosts[i]], { env: env() });
    expect(r.code, r.stderr).toBe(0);
  });
}, 120_000);

afterAll(async () => {
  await set?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** 18.16 closes idle keep-alive connections: one retry. */
const sql = (i: number, q: string) => set.servers[i].sql(q).catch(() => set.servers[i].sql(q));

function json(args: readonly string[]): unknown {
  const r = runCli([...args, '--format', 'json'], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout) as { total: unknown; groups: unknown };
  return { total: j.total, groups: j.groups };
}

describe('records in a two-shard cluster', () => {
  it('each host is on its own shard, every record once', async () => {
    const local = [
      (await sql(0, 'SELECT DISTINCT host FROM pmta.records_local')).trim(),
      (await sql(1, 'SELECT DISTINCT host FROM pmta.records_local')).trim(),
    ];
    expect(local.sort()).toEqual([...hosts].sort());
    expect(Number(await sql(1, 'SELECT count() FROM pmta.records FINAL'))).toBe(1500);
  });

  it('query --clickhouse through either server answers as query over the files', () => {
    const cases: string[][] = [
      ['--group-by', 'type,isp'],
      ['--group-by', 'diag', '--where', "isp in (gmail, yahoo) and type in (b, t) and dsnDiag ~ /5\\.\\d\\./ and jobId != ''"],
      ['--group-by', 'bucket,isp', '--bucket', '1h', '--where', "timeQueued >= '2026-11-28 03:00' and vmta like '*1*'"],
    ];
    for (const args of cases) {
      const expected = json(['query', ...files, ...args]);
      for (const s of set.servers) expect(json(['query', '--clickhouse', s.url('pmta'), ...args]), args.join(' ')).toEqual(expected);
    }
    const one = json(['query', files[1], '--group-by', 'isp']);
    expect(json(['query', '--clickhouse', set.servers[0].url('pmta'), '--hosts', hosts[1], '--group-by', 'isp'])).toEqual(one);
  });

  it('--select through the other server', () => {
    const args = [
      '--select',
      'timeLogged,isp,dsnStatus,jobId',
      '--where',
      "outcome = delivered and dlvSourceIp != ''",
      '--format',
      'ndjson',
    ];
    const sorted = (text: string) => text.trim().split('\n').sort();
    const files_ = runCli(['query', ...files, ...args], { env: env() });
    const ch = runCli(['query', '--clickhouse', set.servers[1].url('pmta'), ...args], { env: env() });
    expect(ch.code, ch.stderr).toBe(0);
    expect(sorted(ch.stdout)).toEqual(sorted(files_.stdout));
    expect(sorted(ch.stdout).length).toBeGreaterThan(100);
  });
});
