/**
 * A schema-1 state made by the code before tiers (test/fixtures/state-v1, made at f196889): read as
 * it is by report and check, migrated in place by the first tail that opens it (one transaction),
 * then rolled up into tiers a few buckets at a time, every step adding up to the same numbers.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TierAging } from '../../src/state/aging.js';
import { openStateForTail, stateTiers } from '../../src/state/state-db.js';
import { readRollup } from '../../src/state/stored-read.js';
import { piecesOf, stateLayout } from '../../src/state/layout.js';
import { resolveRetention, DEFAULT_RETAIN } from '../../src/state/tiers.js';
import { rowsOf } from '../../src/model/rows.js';
import { runCli } from '../helpers/cli.js';
import { copyStateFixture, FIXTURE_NOW, reportJson, sameAsFiles, stateMeta } from '../helpers/state-fixture.js';
import { tailOnce } from '../helpers/tail.js';

const MADE_IN = '/tmp/pmta-acct-state-v1';
const NOW = FIXTURE_NOW;
const copyV1 = () => copyStateFixture('state-v1', MADE_IN);
const meta = stateMeta;
const json = reportJson;

describe('a schema-1 state', () => {
  it('is read as it is by report --state and check --state (no tail has opened it yet)', () => {
    const { state, dir } = copyV1();
    sameAsFiles(state, dir, ['--by', 'isp,ip', '--bucket', '5m']);
    sameAsFiles(state, dir, ['--by', 'vmta', '--bucket', '1d', '--tz', 'America/New_York']);
    const check = runCli(['check', '--state', state, '--at', '2026-12-05T04:00:00Z'], { env: NOW });
    expect(check.code).toBeLessThan(3);
    expect(check.stdout).toMatch(/input: 11 files, 3,002 records, 1 bad/);
    expect(meta(state, 'schema')).toBe('1');
  });

  it('is migrated in place by the first tail, then rolled up: the same numbers, nothing read twice', () => {
    const { state, dir, live } = copyV1();
    const r = tailOnce(live, state, [], [], NOW);
    expect(r.code, r.stderr).toBe(0);
    expect(meta(state, 'schema')).toBe('3');
    expect(JSON.parse(meta(state, 'migrated') ?? '{}')).toMatchObject({ from: 1 });
    expect(JSON.parse(meta(state, 'config') ?? '{}').tiers).toEqual(['5m', '1h', '1d']);
    expect(json(['--state', state]).input.records).toBe(3002);
    sameAsFiles(state, dir, ['--by', 'isp,ip']);
    sameAsFiles(state, dir, ['--by', 'isp,ip', '--bucket', '1h']);
    sameAsFiles(state, dir, ['--by', 'ip', '--bucket', '5m', '--since', '2026-12-03T12:00:00Z']);
    // Older than 48 h: hours now, and report says so when asked for 5 minutes there.
    const fine = runCli(['report', '--state', state, '--bucket', '5m'], { env: NOW });
    expect(fine.code).toBe(3);
    expect(fine.stderr).toMatch(/keeps only 1h buckets from 2026-11-20T05:00:00Z/);
  });

  it('is migrated in one transaction: a migration that fails leaves schema 1 as it was', () => {
    const { state, live } = copyV1();
    const db = new Database(join(state, 'state.db'));
    db.exec('CREATE TABLE groups_1d (x INTEGER)');
    db.close();
    const r = tailOnce(live, state, [], [], NOW);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /state .*: opening the state database: SQLite refused \(table groups_1d already exists\): the state is not as pmta-acct made it/,
    );
    expect(meta(state, 'schema')).toBe('1');
    const check = new Database(join(state, 'state.db'), { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('groups_1h', 'buckets_1h')").get()).toEqual({ n: 0 });
    check.close();
  });

  it('drops aged 5-minute rows a few buckets per commit, every step adding up to the same numbers', () => {
    const { state } = copyV1();
    const opened = openStateForTail(state, null);
    try {
      const { db, config } = opened;
      const tiers = stateTiers(config);
      const now = Date.parse('2026-12-05T12:00:00Z') / 1000;
      const aging = new TierAging(db, config, tiers, resolveRetention(DEFAULT_RETAIN, config.tiers ?? []).retention);
      // Per day and ISP, every counter and the latency percentiles, in a canonical order: read from
      // the coarsest rows that answer, and from the finest each time holds (5 minutes where kept).
      const byDay = () =>
        [tiers.length - 1, 0]
          .map((coarsest) =>
            rowsOf(
              readRollup(db, config, piecesOf(stateLayout(db, config), null, coarsest), {
                dims: ['isp'],
                bucketOf: (s) => s - (s % 86400),
                hist: true,
              }),
            )
              .map((r) => JSON.stringify(r))
              .sort()
              .join('\n'),
          )
          .join('\n--\n');
      const before = byDay();
      const [coarse, fine] = before.split('\n--\n');
      expect(fine).toBe(coarse);
      let steps = 0;
      let more = true;
      while (more) {
        more = db.transaction(() => aging.age(now, 200))();
        steps++;
        expect(byDay(), `after step ${steps}`).toBe(before);
      }
      expect(steps).toBeGreaterThan(5);
      const rows = (t: string) =>
        db.prepare(`SELECT count(*) AS n, min(bucket) AS lo, max(bucket) AS hi FROM ${t}`).get() as {
          n: number;
          lo: number | null;
          hi: number | null;
        };
      // 5m from 48 h before now (and the untimed record), hours before.
      expect(rows('buckets').lo).toBe(-1);
      expect((db.prepare('SELECT min(bucket) AS b FROM buckets WHERE bucket >= 0').get() as { b: number }).b).toBeGreaterThanOrEqual(
        now - 48 * 3600 - 3600,
      );
      // Hours hold every time they keep, the newest too; nothing is old enough for days.
      const newest = rows('buckets').hi ?? 0;
      expect(rows('buckets_1h').hi).toBe(newest - (newest % 3600));
      expect(rows('buckets_1d').n).toBe(0);
    } finally {
      opened.close();
    }
  });
});
