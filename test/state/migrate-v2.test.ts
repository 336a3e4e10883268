/**
 * A schema-2 state made by the code before the hourly tier was written at each commit
 * (test/fixtures/state-v2, made at eae6643: 5-minute buckets for the last 48 hours, hours before,
 * each bucket in one tier): read as it is by report, migrated in place by the first tail that opens
 * it (one transaction: hourly rows made for the hours that had only 5-minute ones),
 * then read by grain with the same numbers as report over the files it was counted from.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { copyStateFixture, FIXTURE_NOW, reportJson, sameAsFiles, stateMeta } from '../helpers/state-fixture.js';
import { tailOnce } from '../helpers/tail.js';

const MADE_IN = '/tmp/pmta-acct-state-v2';
const NOW = FIXTURE_NOW;
const copyV2 = () => copyStateFixture('state-v2', MADE_IN);
const json = reportJson;

function query<T>(state: string, sql: string): T[] {
  const db = new Database(join(state, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const meta = stateMeta;

/** Per hour and key: the 5-minute rows' sums, and the hourly row (hours the 5-minute tier holds). */
function hourly(state: string): { fine: string[]; coarse: string[] } {
  const cols = '"isp_id", "ip_id", "vmta_id", "pool_id"';
  const floor = Number(meta(state, 'floor:5m') ?? '-1e18');
  const fine = query<{ r: string }>(
    state,
    `SELECT (bucket - bucket % 3600) || ' ' || ${cols.replaceAll(', ', " || ' ' || ")} || ' ' || sum(delivered) || ' ' || sum(deferred) AS r
     FROM groups WHERE bucket >= ${floor} AND bucket <> -1 GROUP BY bucket - bucket % 3600, ${cols}`,
  ).map((x) => x.r);
  const coarse = query<{ r: string }>(
    state,
    `SELECT bucket || ' ' || ${cols.replaceAll(', ', " || ' ' || ")} || ' ' || delivered || ' ' || deferred AS r FROM groups_1h WHERE bucket >= ${floor}`,
  ).map((x) => x.r);
  return { fine: fine.sort(), coarse: coarse.sort() };
}

describe('a schema-2 state', () => {
  it('is migrated in place by the first tail: every hour made whole, read by grain with the same numbers', () => {
    const { state, dir, live } = copyV2();
    // Read as it is before (no tail has opened it yet).
    sameAsFiles(state, dir, ['--by', 'isp,ip']);
    expect(meta(state, 'schema')).toBe('2');
    const days = query<{ n: number }>(state, 'SELECT count(*) AS n FROM groups_1d')[0].n;
    expect(days).toBe(0);
    const r = tailOnce(live, state, [], [], NOW);
    expect(r.code, r.stderr).toBe(0);
    expect(meta(state, 'schema')).toBe('3');
    expect(JSON.parse(meta(state, 'migrated') ?? '{}')).toMatchObject({ from: 2 });
    expect(meta(state, 'aged:5m')).toBeUndefined();
    // The 5-minute tier holds from where the hours' rows of schema 2 ended; each hour it holds is whole in the hourly tier.
    expect(Number(meta(state, 'floor:5m'))).toBe(Date.parse('2026-12-03T12:00:00Z') / 1000);
    const { fine, coarse } = hourly(state);
    expect(fine.length).toBeGreaterThan(10);
    expect(coarse).toEqual(fine);
    expect(json(['--state', state]).input.records).toBe(3002);
    sameAsFiles(state, dir, ['--by', 'isp,ip']);
    sameAsFiles(state, dir, ['--by', 'isp', '--bucket', '1d']);
    sameAsFiles(state, dir, ['--by', 'isp,ip', '--bucket', '1h', '--since', '2026-11-24T00:00:00Z']);
    sameAsFiles(state, dir, ['--by', 'ip', '--bucket', '5m', '--since', '2026-12-03T12:00:00Z']);
    // Across the 5-minute tier's edge, from a time inside an hour: the hours whole, the edges finer.
    sameAsFiles(state, dir, ['--by', 'vmta', '--since', '2026-12-04T07:35:00Z', '--until', '2026-12-05T02:10:00Z']);
    const fineAsked = runCli(['report', '--state', state, '--bucket', '5m'], { env: NOW });
    expect(fineAsked.code).toBe(3);
    expect(fineAsked.stderr).toMatch(/keeps only 1h buckets from 2026-11-20T05:00:00Z/);
  });

  it('is migrated in one transaction: a migration that fails leaves schema 2 as it was', () => {
    const { state, live } = copyV2();
    const db = new Database(join(state, 'state.db'));
    db.exec('DROP TABLE groups_1d');
    db.close();
    const before = query<{ n: number }>(state, 'SELECT count(*) AS n FROM groups_1h')[0].n;
    const r = tailOnce(live, state, [], [], NOW);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no such table: groups_1d/);
    expect(meta(state, 'schema')).toBe('2');
    expect(query<{ n: number }>(state, 'SELECT count(*) AS n FROM groups_1h')[0].n).toBe(before);
    expect(meta(state, 'floor:5m')).toBeUndefined();
  });

  it('is left as it is by a tail set up for another file or other buckets: refused before any migration', () => {
    const { state, dir, live } = copyV2();
    const other = tailOnce(join(dir, 'other.csv'), state, [], [], NOW);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/it follows .*acct\.csv, not .*other\.csv/);
    const bucket = tailOnce(live, state, ['--bucket', '1m'], [], NOW);
    expect(bucket.code).toBe(3);
    expect(bucket.stderr).toMatch(/its buckets are 5m, not 1m/);
    expect(meta(state, 'schema')).toBe('2');
    expect(meta(state, 'migrated')).toBeUndefined();
  });
});
