/**
 * Which rows a fleet read counts, on stores written directly (one server, no ship): a host whose
 * hours are stored in two tiers at once (5-minute rows and the hour's 1h row, as a state writing
 * its hourly tier at every commit ships them) and a host stored one tier at a time (an hour rolled
 * up, the next still in 5-minute rows) give each hour once, whole hours and range edges alike; a
 * bucket's older copy (an earlier insert attempt, other keys) does not count, before or after a
 * merge; a store of schema 3 (an earlier ship re-sent a lost insert at the same version) is read
 * with FINAL, and `clickhouse init` merges it to schema 5, read without.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

const H0 = Date.parse('2026-11-02T10:00:00Z') / 1000;
const H1 = H0 + 3600;
const NOW = { PMTA_ACCT_NOW: '2026-11-02T20:00:00Z' };

interface Row {
  host: string;
  grain: string;
  bucket: number;
  isp: string;
  delivered: number;
  version: number;
}

/** An hour of 5-minute rows (gmail 1, yahoo 2 delivered each) or its 1h row (12, 24). */
function hour(host: string, start: number, grain: '5m' | '1h', version: number): Row[] {
  const starts = grain === '1h' ? [start] : Array.from({ length: 12 }, (_, i) => start + i * 300);
  const n = grain === '1h' ? 12 : 1;
  return starts.flatMap((bucket) => [
    { host, grain, bucket, isp: 'gmail.com', delivered: n, version },
    { host, grain, bucket, isp: 'yahoo.com', delivered: 2 * n, version },
  ]);
}

/** The per-bucket rows of `rows` (records counted = delivered). */
function bucketsOf(rows: readonly Row[]): object[] {
  const m = new Map<string, { host: string; grain: string; bucket: number; counted: number; deleted: number; version: number }>();
  for (const r of rows) {
    const k = `${r.host}/${r.grain}/${r.bucket}/${r.version}`;
    const b = m.get(k) ?? { host: r.host, grain: r.grain, bucket: r.bucket, counted: 0, deleted: 0, version: r.version };
    b.counted += r.delivered;
    m.set(k, b);
  }
  return [...m.values()].map((b) => ({ ...b, first_event: b.bucket, last_event: b.bucket + 1 }));
}

describe('fleet reads: one tier per host and hour, each bucket at its latest copy', () => {
  let set: ClickHouseSet;
  const url = (db: string) => set.servers[0].url(db);
  const insert = async (db: string, table: string, rows: readonly object[]) => {
    await set.servers[0].sql(`INSERT INTO ${db}.${table} FORMAT JSONEachRow`, rows.map((r) => JSON.stringify(r)).join('\n'));
  };
  const report = (db: string, args: readonly string[]) => {
    const r = runCli(['report', '--clickhouse', url(db), '--format', 'json', '--no-verdicts', ...args], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
  };
  const delivered = (j: JsonReport) => Number(j.total.delivered);

  beforeAll(async () => {
    set = await startClickHouse();
    expect(runCli(['clickhouse', 'init', '--clickhouse', url('pmta')]).code).toBe(0);
    // both: every hour in 5-minute rows and in its 1h row; an earlier attempt's copy of 10:00 (other keys) below them.
    const both = [
      ...hour('both', H0, '5m', 10),
      ...hour('both', H0, '1h', 10),
      ...hour('both', H1, '5m', 11),
      ...hour('both', H1, '1h', 11),
    ];
    const stale = [
      { host: 'both', grain: '5m', bucket: H0, isp: 'gmail.com', delivered: 100, version: 5 },
      { host: 'both', grain: '5m', bucket: H0, isp: 'outlook.com', delivered: 50, version: 5 },
    ];
    // rolled: 10:00 rolled into its hour, 11:00 still 5-minute rows.
    const rolled = [...hour('rolled', H0, '1h', 7), ...hour('rolled', H1, '5m', 8)];
    await insert('pmta', 'groups', stale);
    await insert('pmta', 'buckets', bucketsOf(stale));
    await insert('pmta', 'groups', [...both, ...rolled]);
    await insert('pmta', 'buckets', bucketsOf([...both, ...rolled]));
  });
  afterAll(async () => {
    await set?.stop();
  });

  it('count each hour once, whether a host stores it in one tier or two', async () => {
    for (const merged of [false, true]) {
      if (merged) await set.servers[0].sql('OPTIMIZE TABLE pmta.groups FINAL');
      const { json } = report('pmta', ['--by', 'host,isp']);
      expect(delivered(json)).toBe(144);
      expect(json.input.records).toBe(144);
      const by = new Map(json.groups.map((g) => [`${g.key.host}/${g.key.isp}`, Number(g.delivered)]));
      expect(Object.fromEntries(by)).toEqual({
        'both/gmail.com': 24,
        'both/yahoo.com': 48,
        'rolled/gmail.com': 24,
        'rolled/yahoo.com': 48,
      });
    }
  });

  it('read the partial hour at a range edge from 5-minute rows, whole hours from 1h rows', () => {
    const since = new Date((H0 + 1800) * 1000).toISOString();
    const until = new Date((H1 + 3600) * 1000).toISOString();
    const r = report('pmta', ['--hosts', 'both', '--since', since, '--until', until]);
    expect(r.stderr).toBe('');
    expect(delivered(r.json)).toBe(6 * 3 + 36);
    // A host whose 10:30 is inside a rolled-up hour: the range starts at the hour, with a note.
    const rolled = report('pmta', ['--hosts', 'rolled', '--since', since]);
    expect(rolled.stderr).toMatch(/inside a stored bucket: reporting from 2026-11-02T10:00/);
    expect(delivered(rolled.json)).toBe(72);
  });

  it('give a 5-minute series from 5-minute rows, an hourly one from either, and refuse 5 minutes of a rolled-up hour', () => {
    const five = report('pmta', ['--hosts', 'both', '--bucket', '5m']);
    expect(delivered(five.json)).toBe(72);
    expect(new Set(five.json.groups.map((g) => g.bucket)).size).toBe(24);
    const hourly = report('pmta', ['--by', 'host', '--bucket', '1h']);
    expect(hourly.json.groups.map((g) => [g.key.host, g.bucket, Number(g.delivered)]).sort()).toEqual(
      [
        ['both', '2026-11-02T10:00:00Z', 36],
        ['both', '2026-11-02T11:00:00Z', 36],
        ['rolled', '2026-11-02T10:00:00Z', 36],
        ['rolled', '2026-11-02T11:00:00Z', 36],
      ].sort(),
    );
    const refused = runCli(['report', '--clickhouse', url('pmta'), '--hosts', 'rolled', '--bucket', '5m', '--no-verdicts'], { env: NOW });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/--bucket 5m: part of this range is stored only as 1h buckets \(one of them at /);
  });

  it('read a schema-3 store with FINAL, and without once init merged it to schema 5 (and 6)', async () => {
    expect(runCli(['clickhouse', 'init', '--clickhouse', url('old')]).code).toBe(0);
    await set.servers[0].sql('DROP TABLE old.schema_migrations');
    await set.servers[0].sql('CREATE TABLE old.schema_migrations (version UInt32, what String, applied_at DateTime) ENGINE = TinyLog');
    await insert(
      'old',
      'schema_migrations',
      [1, 2, 3].map((version) => ({ version, what: 'test', applied_at: 0 })),
    );
    // An earlier ship's lost reply: the same rows twice at the same version.
    const rows = hour('mta', H0, '5m', 3);
    for (let i = 0; i < 2; i++) {
      await insert('old', 'groups', rows);
      await insert('old', 'buckets', bucketsOf(rows));
    }
    expect(delivered(report('old', []).json)).toBe(36);
    const init = runCli(['clickhouse', 'init', '--clickhouse', url('old')]);
    expect(init.stdout).toMatch(/migrations 4, 5, 6 applied/);
    const parts = await set.servers[0].sql("SELECT count() FROM old.groups WHERE host = 'mta' FORMAT TSV");
    expect(Number(parts)).toBe(24);
    expect(delivered(report('old', []).json)).toBe(36);
  });
});
