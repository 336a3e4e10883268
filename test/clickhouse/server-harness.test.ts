/**
 * The test harness itself: two servers as a two-shard cluster answer, a Distributed table over
 * them spreads rows across both shards, and a killed server comes back on its ports with its data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, PASSWORD_USER, startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

describe('ClickHouse test servers', () => {
  let set: ClickHouseSet;
  beforeAll(async () => {
    set = await startClickHouse({ servers: 2, cluster: 'fleet' });
  });
  afterAll(async () => {
    await set?.stop();
  });

  it('start two servers that know the two-shard cluster', async () => {
    const [a, b] = set.servers;
    expect(a.httpPort).not.toBe(b.httpPort);
    const shards = await a.sql(`SELECT shard_num, port FROM system.clusters WHERE cluster = 'fleet' ORDER BY shard_num FORMAT TSV`);
    expect(shards.trim().split('\n')).toEqual([`1\t${a.tcpPort}`, `2\t${b.tcpPort}`]);
    expect((await b.sql('SELECT version()')).trim()).toMatch(/^\d+\.\d+/);
  });

  it('spread a Distributed insert over both shards', async () => {
    for (const s of set.servers) {
      await s.sql('CREATE TABLE IF NOT EXISTS default.h_local (k UInt32) ENGINE = MergeTree ORDER BY k');
      await s.sql(`CREATE TABLE IF NOT EXISTS default.h_all AS default.h_local ENGINE = Distributed(fleet, default, h_local, k)`);
    }
    await set.servers[0].sql('INSERT INTO default.h_all FORMAT JSONEachRow', '{"k":1}\n{"k":2}\n{"k":3}\n{"k":4}\n', {
      insert_distributed_sync: 1,
    });
    const counts = await Promise.all(set.servers.map(async (s) => Number(await s.sql('SELECT count() FROM default.h_local'))));
    expect(counts).toEqual([2, 2]);
    expect(Number(await set.servers[1].sql('SELECT count() FROM default.h_all'))).toBe(4);
  });

  it('know the password user', async () => {
    const res = await fetch(`http://127.0.0.1:${set.servers[0].httpPort}/?query=SELECT%2042`, {
      headers: { Authorization: `Basic ${Buffer.from(`${PASSWORD_USER}:${PASSWORD}`).toString('base64')}` },
    });
    expect((await res.text()).trim()).toBe('42');
    const wrong = await fetch(`http://127.0.0.1:${set.servers[0].httpPort}/?query=SELECT%201`, {
      headers: { Authorization: `Basic ${Buffer.from(`${PASSWORD_USER}:wrong`).toString('base64')}` },
    });
    expect(wrong.status).not.toBe(200);
  });

  it('bring a killed server back with its data', async () => {
    const s = set.servers[1];
    await s.kill();
    expect(s.running).toBe(false);
    await expect(s.sql('SELECT 1')).rejects.toThrow();
    await s.start();
    expect(Number(await s.sql('SELECT count() FROM default.h_local'))).toBe(2);
  });
});
