/**
 * Shipping a tail state into the fleet store: after every ship (twice, after aging moved buckets to
 * coarser tiers, after a lost acknowledgement that makes the same rows go again), the store's
 * figures for the host equal the state's own report.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';
import { HEADER } from '../helpers/acct-writer.js';
import { acctRow } from '../helpers/promtool.js';
import { nowAt, tailOnce } from '../helpers/tail.js';

const COUNTERS = ['delivered', 'deferred', 'bounced', 'complaints', 'deliveredBytes'] as const;

function rows(from: number, hours: number, seed: number): string {
  const out: string[] = [];
  const isps = ['gmail.com', 'yahoo.com', 'outlook.com'];
  for (let i = 0; i < hours * 12; i++) {
    const t = from + i * 300 + (seed % 7);
    const type = (i + seed) % 9 === 0 ? 'b' : (i + seed) % 5 === 0 ? 't' : 'd';
    out.push(acctRow(type, isps[(i + seed) % 3], `10.0.0.${1 + ((i + seed) % 2)}`, t, type === 'b' ? 'bad-mailbox' : ''));
  }
  return `${out.join('\n')}\n`;
}

describe('ship into ClickHouse', () => {
  let set: ClickHouseSet;
  let url: string;
  beforeAll(async () => {
    set = await startClickHouse();
    url = set.servers[0].url('pmta');
    const r = runCli(['clickhouse', 'init', '--clickhouse', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
  afterAll(async () => {
    await set?.stop();
  });

  /** The hours (written at every commit) and the days before them hold every record once; the 5-minute rows repeat the newest hours. */
  async function storeTotals(host: string): Promise<Record<string, number>> {
    const sums = COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ');
    const text = await set.servers[0].sql(
      `SELECT ${sums} FROM pmta.groups FINAL WHERE host = '${host}' AND deleted = 0 AND grain IN ('1h', '1d') FORMAT JSONEachRow`,
      undefined,
      { output_format_json_quote_64bit_integers: 0 },
    );
    return JSON.parse(text) as Record<string, number>;
  }

  function stateTotals(state: string): Record<string, number> {
    const r = runCli(['report', '--state', state, '--format', 'json']);
    expect(r.code, r.stderr).toBeLessThan(3);
    const total = (JSON.parse(r.stdout) as { total: Record<string, number> }).total;
    return Object.fromEntries(COUNTERS.map((c) => [c, Number(total[c])]));
  }

  it('init is idempotent', () => {
    const r = runCli(['clickhouse', 'init', '--clickhouse', url]);
    expect(r.stdout).toMatch(/schema \d+ already there/);
    expect(r.code).toBe(0);
  });

  it('give the store the state figures, through re-sends, aging and a lost acknowledgement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-ship-'));
    const live = join(dir, 'acct.csv');
    const state = join(dir, 'state');
    const day = Date.parse('2026-11-02T00:00:00Z') / 1000;
    writeFileSync(live, `${HEADER}\n${rows(day, 24, 1)}`);
    expect(tailOnce(live, state, ['--from', 'beginning'], [], nowAt('2026-11-03T00:30:00Z')).code).toBe(0);
    const ship = () => runCli(['ship', '--state', state, '--clickhouse', url, '--host', 'mta-1', '--once']);
    const first = ship();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await storeTotals('mta-1')).toEqual(stateTotals(state));
    expect(stateTotals(state).delivered).toBeGreaterThan(0);
    // Again: nothing pending, nothing changes.
    expect(ship().stdout).toContain('shipped 0 buckets');
    expect(await storeTotals('mta-1')).toEqual(stateTotals(state));
    // Two days later: the 5-minute buckets age into hours; the store follows without double counting.
    appendFileSync(live, rows(day + 2 * 86400, 2, 2));
    expect(tailOnce(live, state, [], [], nowAt('2026-11-04T03:00:00Z')).code).toBe(0);
    const aged = ship();
    expect(aged.stdout).toMatch(/[1-9]\d* withdrawn/);
    expect(await storeTotals('mta-1')).toEqual(stateTotals(state));
    // A reply lost after the insert committed: the ledger never moved, the same rows go again.
    const db = new Database(join(state, 'state.db'));
    db.prepare('UPDATE ship_ledger SET acked = 0').run();
    db.close();
    expect(ship().code).toBe(0);
    expect(await storeTotals('mta-1')).toEqual(stateTotals(state));
    await set.servers[0].sql('OPTIMIZE TABLE pmta.groups FINAL');
    expect(await storeTotals('mta-1')).toEqual(stateTotals(state));
  });

  it('send a shipped state again, whole, to a store that holds nothing of its host (rebuilt, or the host renamed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-ship-again-'));
    const live = join(dir, 'acct.csv');
    const state = join(dir, 'state');
    writeFileSync(live, `${HEADER}\n${rows(Date.parse('2026-11-05T00:00:00Z') / 1000, 6, 3)}`);
    expect(tailOnce(live, state, ['--from', 'beginning'], [], nowAt('2026-11-05T06:30:00Z')).code).toBe(0);
    const ship = (host: string) => runCli(['ship', '--state', state, '--clickhouse', url, '--host', host, '--once']);
    expect(ship('mta-5').code).toBe(0);
    expect(await storeTotals('mta-5')).toEqual(stateTotals(state));
    // The same state under another name: the ledger says all is acknowledged, but not there.
    const renamed = ship('mta-6');
    expect(renamed.code).toBe(0);
    expect(renamed.stderr).toMatch(
      /has never heard of host mta-6, though this state shipped before .*: sending all [1-9]\d* buckets it holds/,
    );
    expect(await storeTotals('mta-6')).toEqual(stateTotals(state));
    expect(stateTotals(state).delivered).toBeGreaterThan(0);
    // Once there, it is known: the next ship sends nothing and says nothing.
    const again = ship('mta-6');
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('shipped 0 buckets');
  });

  it('refuse a store without tables in one line', () => {
    const r = runCli(['ship', '--state', '/nonexistent', '--clickhouse', set.servers[0].url('default'), '--once']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `pmta-acct: ClickHouse ${set.servers[0].url('default')}: no pmta-acct tables in database 'default': run pmta-acct clickhouse init --clickhouse URL`,
    );
  });
});
