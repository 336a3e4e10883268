/**
 * A schema-1 state made by the code before tiers (test/fixtures/state-v1, made at f196889): read as
 * it is by report and check, migrated in place by the first tail that opens it (one transaction),
 * then rolled up into tiers a few buckets at a time, every step adding up to the same numbers.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TierAging } from '../../src/state/aging.js';
import { openStateForTail, stateTiers } from '../../src/state/state-db.js';
import { readRollup } from '../../src/state/stored-read.js';
import { resolveRetention, DEFAULT_RETAIN } from '../../src/state/tiers.js';
import { rowsOf } from '../../src/model/rows.js';
import { fixture, runCli } from '../helpers/cli.js';
import { nowAt, tailOnce } from '../helpers/tail.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const MADE_IN = '/tmp/pmta-acct-state-v1';
const NOW = nowAt('2026-12-05T12:00:00Z');

/** The fixture in a temporary directory, its stored absolute paths moved there with it. */
function copyV1(): { root: string; state: string; dir: string; live: string } {
  const root = mkdtempSync(join(tmpdir(), 'pmta-v1-'));
  roots.push(root);
  const dir = join(root, 'logs');
  cpSync(fixture('state-v1', 'logs'), dir, { recursive: true });
  const state = join(root, 'state');
  mkdirSync(state, { mode: 0o700 });
  writeFileSync(join(state, 'state.db'), gunzipSync(readFileSync(fixture('state-v1', 'state.db.gz'))), { mode: 0o600 });
  const db = new Database(join(state, 'state.db'));
  db.prepare("UPDATE meta SET value = replace(value, ?, ?) WHERE key = 'config'").run(MADE_IN, root);
  db.prepare('UPDATE files SET path = replace(path, ?, ?)').run(MADE_IN, root);
  db.close();
  return { root, state, dir, live: join(dir, 'acct.csv') };
}

function meta(state: string, key: string): string | undefined {
  const db = new Database(join(state, 'state.db'), { readonly: true });
  try {
    return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

function json(args: readonly string[]): { groups: unknown[]; total: unknown; input: { records: number } } {
  const r = runCli(['report', '--format', 'json', '--exit-zero', ...args], { env: NOW });
  if (r.code !== 0) throw new Error(`report ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { groups: unknown[]; total: unknown; input: { records: number } };
}

function sameAsFiles(state: string, dir: string, args: readonly string[]): void {
  const stored = json(['--state', state, ...args]);
  const files = json([dir, ...args]);
  expect(JSON.stringify(stored.groups), args.join(' ')).toBe(JSON.stringify(files.groups));
  expect(JSON.stringify(stored.total), args.join(' ')).toBe(JSON.stringify(files.total));
}

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
    expect(meta(state, 'schema')).toBe('2');
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

  it('rolls up a few buckets per commit, every step adding up to the same numbers', () => {
    const { state } = copyV1();
    const opened = openStateForTail(state, null);
    try {
      const { db, config } = opened;
      const tiers = stateTiers(config);
      const now = Date.parse('2026-12-05T12:00:00Z') / 1000;
      const aging = new TierAging(db, config, tiers, resolveRetention(DEFAULT_RETAIN, config.tiers ?? []).retention);
      // Per day and ISP, every counter and the latency percentiles, in a canonical order.
      const byDay = () =>
        rowsOf(readRollup(db, config, tiers, null, { dims: ['isp'], bucketOf: (s) => s - (s % 86400), hist: true }))
          .map((r) => JSON.stringify(r))
          .sort()
          .join('\n');
      const before = byDay();
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
      expect(rows('buckets_1h').hi).toBeLessThan(now - 48 * 3600);
      expect(rows('buckets_1d').n).toBe(0);
    } finally {
      opened.close();
    }
  });
});
