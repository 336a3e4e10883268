/**
 * Forensics in ClickHouse, end to end against a real 18.16 server: `load` the awkward corpus
 * (every parser fixture: legacy epoch times, record-fields without timeLogged, headers re-emitted
 * mid-file in another order, CRLF inside quoted dsnDiag, BOM, bad rows; a gzipped file; a
 * generated day), then `query --clickhouse` must give the same groups and records as `query` over
 * the files, for filters on every field kind, group-bys including diag, and --select with --limit.
 * Loading again, a gzipped copy, a grown file and loads killed (SIGKILL) at seeded points and re-run
 * leave the same counts.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, fixture, runCli } from '../helpers/cli.js';
import { startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

let set: ClickHouseSet;
let dir: string;
let corpus: string;
let keyFile: string;
const env = () => ({ PMTA_ACCT_HASH_KEY_FILE: keyFile });
const FAILPOINTS = ['load-before-insert', 'load-during-insert', 'load-before-ledger', 'load-after-ledger'];
const killedDb = (point: string) => `killed_${point.replace(/-/g, '_')}`;

function init(db: string): void {
  const r = runCli(['clickhouse', 'init', '--clickhouse', set.servers[0].url(db)]);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  set = await startClickHouse();
  dir = mkdtempSync(join(tmpdir(), 'pmta-records-'));
  keyFile = join(dir, 'keys', 'recipient.key');
  corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  for (const f of readdirSync(fixture('parse')).filter((n) => n.endsWith('.csv'))) copyFileSync(fixture('parse', f), join(corpus, f));
  // a gzipped file of its own, and a generated day (two files, one of them gzipped)
  writeFileSync(
    join(corpus, 'quoting-gz.csv.gz'),
    gzipSync(readFileSync(fixture('parse', 'union-header.csv')).toString('utf8').replace('gmail', 'GMAIL')),
  );
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/bench/generate-cli.js'), '--rows', '2000', '--files', '2', '--gzip', '1', '--seed', '15', '--out', join(dir, 'gen')],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  for (const f of readdirSync(join(dir, 'gen'))) copyFileSync(join(dir, 'gen', f), join(corpus, f));
  for (const db of ['pmta', 'clean', ...FAILPOINTS.map(killedDb)]) init(db);
  const load = runCli(['load', corpus, '--clickhouse', set.servers[0].url('pmta'), '--host', 'mx1', '--batch-rows', '500'], { env: env() });
  expect(load.stderr).toMatch(/bad records? (was|were) skipped/);
  expect(load.code, load.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await set?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface Groups {
  total: unknown;
  groups: unknown[];
}

function groups(args: readonly string[]): Groups {
  const r = runCli([...args, '--format', 'json'], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout) as Groups;
  return { total: j.total, groups: j.groups };
}

const url = () => set.servers[0].url('pmta');

describe('query --clickhouse answers as query over the files', () => {
  const filters = [
    null,
    'isp = gmail and type in (b, t)',
    "not vmta = ''",
    'dsnDiag ~ /user|mailbox/i',
    "dsnDiag like '*4.7.?*'",
    'latency > 5',
    'hard or dsnDiag ~ /\\d{3}\\s[^a-z]+$/',
    'timeQueued >= 2026-11-28',
    "timeLogged < '2026-11-28 12:00'",
    'dlvSize > 1000 or outcome = delivered and domain ~ /^y/',
    'diag ~ /\\{id\\}/',
    "dsnStatus < '5' and jobId != ''",
    'ip = 198.51.100.1 or bounceCat in (bad-mailbox, inactive-mailbox)',
    // split: the cheap tests in PREWHERE, the regex in WHERE (where-sql.ts whereParts)
    'isp = gmail and type in (b, t) and dsnDiag ~ /5\\.\\d\\./',
  ];
  const groupBys = ['type,isp,outcome', 'diag', 'domain,hard,latency,bounceCat,vmta,pool,job,ip,dsnStatus'];

  it('groups and totals, for filters on every field kind', { timeout: 120_000 }, () => {
    let nonEmpty = 0;
    for (const where of filters) {
      const w = where === null ? [] : ['--where', where];
      for (const g of where === null ? groupBys : ['isp,type']) {
        const files = groups(['query', corpus, '--group-by', g, ...w]);
        const ch = groups(['query', '--clickhouse', url(), '--group-by', g, ...w]);
        expect(ch, `--group-by ${g} --where ${where ?? ''}`).toEqual(files);
        if (files.groups.length > 0) nonEmpty++;
      }
    }
    // the filters select something (a translation that matched nothing everywhere would pass too)
    expect(nonEmpty).toBeGreaterThanOrEqual(filters.length + groupBys.length - 2);
  });

  it('time buckets and --since/--until, in a zone', () => {
    for (const args of [
      ['--group-by', 'bucket,isp', '--bucket', '15m', '--tz', 'America/New_York'],
      ['--group-by', 'bucket', '--bucket', '1d', '--tz', 'Asia/Kathmandu'],
      ['--group-by', 'isp', '--since', '2026-11-28 06:00', '--until', '2026-11-28 18:00'],
    ]) {
      expect(groups(['query', '--clickhouse', url(), ...args]), args.join(' ')).toEqual(groups(['query', corpus, ...args]));
    }
  });

  it('records for --select, and --limit in event-time order', () => {
    const fields = 'type,timeLogged,isp,domain,outcome,hard,latency,diag,dsnDiag,dlvSourceIp,vmta,jobId';
    const sorted = (text: string) => text.trim().split('\n').sort();
    const files = runCli(['query', corpus, '--select', fields, '--format', 'ndjson'], { env: env() });
    const ch = runCli(['query', '--clickhouse', url(), '--select', fields, '--format', 'ndjson'], { env: env() });
    expect(ch.code, ch.stderr).toBe(0);
    expect(sorted(ch.stdout)).toEqual(sorted(files.stdout));
    expect(sorted(ch.stdout).length).toBeGreaterThan(2000);
    // --limit: the first records by event time; over the files of one time-ordered file the same
    const one = join(corpus, 'acct-2026-11-28-0000.csv');
    const where = ['--where', "isp = yahoo and vmta like 'yh-*'"];
    const first = runCli(['query', one, '--select', fields, '--limit', '25', ...where, '--format', 'ndjson']);
    const chFirst = runCli(['query', '--clickhouse', url(), '--select', fields, '--limit', '25', ...where, '--format', 'ndjson']);
    expect(chFirst.code, chFirst.stderr).toBe(0);
    expect(chFirst.stdout.trim().split('\n')).toEqual(first.stdout.trim().split('\n'));
  });

  it('records of one second keep their order in the file, offsets compared as numbers', () => {
    // 40 records in one second: their offsets run from 2 to 4 digits, where text order is not the file's
    const file = join(dir, 'acct-2026-11-29-0000.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `d,2026-11-29 10:00:00-0500,x${i}@gmail.com,vmta-${String(i).padStart(2, '0')}`);
    writeFileSync(file, `type,timeLogged,rcpt,vmta\n${rows.join('\n')}\n`);
    init('ties');
    const tied = set.servers[0].url('ties');
    expect(runCli(['load', file, '--clickhouse', tied, '--host', 'mx1'], { env: env() }).code).toBe(0);
    for (const limit of [[], ['--limit', '30']]) {
      const args = ['--select', 'vmta', ...limit, '--format', 'csv'];
      const ch = runCli(['query', '--clickhouse', tied, ...args], { env: env() });
      expect(ch.code, ch.stderr).toBe(0);
      expect(ch.stdout, limit.join(' ')).toBe(runCli(['query', file, ...args]).stdout);
    }
  });

  it('finds one recipient by the keyed hash, and keeps no address', async () => {
    const address = readFileSync(join(corpus, 'acct-2026-11-28-0000.csv'), 'utf8').split('\n')[1].split(',')[4];
    const where = ['--where', `rcpt = '${address.toUpperCase()}'`];
    const ch = groups(['query', '--clickhouse', url(), '--group-by', 'type', ...where]);
    expect(ch).toEqual(groups(['query', corpus, '--group-by', 'type', ...where]));
    expect(ch.groups.length).toBeGreaterThan(0);
    const stored = await set.servers[0].sql(
      `SELECT count() FROM pmta.records WHERE position(concat(rcpt, arrayStringConcat(col_values, ',')), '${address.replace(/'/g, '')}') > 0`,
    );
    expect(stored.trim()).toBe('0');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const noKey = runCli(['query', '--clickhouse', url(), ...where], { env: { PMTA_ACCT_HASH_KEY_FILE: join(dir, 'none.key') } });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toMatch(/no recipient hash key/);
  });

  it('refuses what it cannot translate faithfully, at its column', () => {
    const r = runCli(['query', '--clickhouse', url(), '--where', 'isp = gmail and dsnDiag ~ /^550/m']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot run in ClickHouse with the same matches: the m flag');
    expect(r.stderr).toMatch(/\(column 27\)/);
    const b = runCli(['query', '--clickhouse', url(), '--where', 'bucket >= 2026-11-28']);
    expect(b.code).toBe(3);
    expect(b.stderr).toContain('use --since and --until');
  });

  it('tests rcpt other than by = and in only where addresses were stored in clear, else says so', () => {
    const where = ['--where', 'rcpt ~ /^[a-m]/ and type = d'];
    // loaded without --store-addresses: such a test would match nothing where the files match many
    const r = runCli(['query', '--clickhouse', url(), '--group-by', 'isp', ...where], { env: env() });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(
      /^pmta-acct: --where: rcpt is tested other than by = or in, .* host mx1 was loaded without --store-addresses: /,
    );
    init('clear');
    const clear = set.servers[0].url('clear');
    const load = runCli(['load', corpus, '--clickhouse', clear, '--host', 'mx1', '--store-addresses'], { env: env() });
    expect(load.code, load.stderr).toBe(0);
    const files = groups(['query', corpus, '--group-by', 'isp', ...where]);
    expect(files.groups.length).toBeGreaterThan(0);
    expect(groups(['query', '--clickhouse', clear, '--group-by', 'isp', ...where])).toEqual(files);
  });
});

describe('load is idempotent by content', () => {
  /**
   * Records stored, counted without FINAL (each must be there once, not only after merging), and
   * checked equal to the count with FINAL. 18.16 closes idle keep-alive connections: one retry.
   */
  const countIn = async (db: string) => {
    const q = `SELECT (SELECT count() FROM ${db}.records), (SELECT count() FROM ${db}.records FINAL)`;
    const [plain, final] = (await set.servers[0].sql(q).catch(() => set.servers[0].sql(q))).trim().split('\t').map(Number);
    expect(plain, `${db}: records stored twice`).toBe(final);
    return plain;
  };

  it('again, a gzipped copy, a grown file: only what is new', async () => {
    const before = await countIn('pmta');
    const again = runCli(['load', corpus, '--clickhouse', url(), '--host', 'mx1'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/pmta-acct load: 0 records loaded/);
    const copy = join(dir, 'copy');
    mkdirSync(copy, { recursive: true });
    const plain = join(corpus, 'acct-2026-11-28-0000.csv');
    writeFileSync(join(copy, 'renamed.csv.gz'), gzipSync(readFileSync(plain)));
    const gz = runCli(['load', join(copy, 'renamed.csv.gz'), '--clickhouse', url(), '--host', 'mx1'], { env: env() });
    expect(gz.stdout).toMatch(/already loaded/);
    expect(await countIn('pmta')).toBe(before);
    const grown = join(copy, 'grown.csv');
    copyFileSync(fixture('parse', 'userguide-d-b-t.csv'), grown);
    expect(runCli(['load', grown, '--clickhouse', url(), '--host', 'mx2'], { env: env() }).code).toBe(0);
    const lines = readFileSync(grown, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('d,'));
    appendFileSync(grown, `${lines[0].replace('2026', '2027')}\n`);
    const more = runCli(['load', grown, '--clickhouse', url(), '--host', 'mx2'], { env: env() });
    expect(more.stdout).toMatch(/grew since the last load, 1 new records loaded/);
    expect(await countIn('pmta')).toBe(before + 4);
  });

  it('--live leaves a last record without its line end for the next load', async () => {
    const before = await countIn('pmta');
    mkdirSync(join(dir, 'live'), { recursive: true });
    const live = join(dir, 'live', 'acct.csv');
    const text = readFileSync(fixture('parse', 'userguide-d-b-t.csv'), 'utf8');
    const last = text.trimEnd().lastIndexOf('\n') + 1;
    const cut = last + Math.floor((text.trimEnd().length - last) / 2);
    writeFileSync(live, text.slice(0, cut));
    const first = runCli(['load', live, '--live', '--clickhouse', url(), '--host', 'mx4'], { env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`2 records loaded; the last ${cut - last} bytes wait for their line end`);
    appendFileSync(live, text.slice(cut));
    const rest = runCli(['load', live, '--live', '--clickhouse', url(), '--host', 'mx4'], { env: env() });
    expect(rest.stdout).toMatch(/grew since the last load, 1 new records loaded \(from byte [\d,]+\)\n/);
    expect(await countIn('pmta')).toBe(before + 3);
    // the records equal those of the whole file read at once
    const w = ['--group-by', 'type,vmta,diag'];
    expect(groups(['query', '--clickhouse', url(), '--hosts', 'mx4', ...w])).toEqual(groups(['query', live, ...w]));
  });

  it('a grown live file is read from where the last load ended, with the header and line in effect there', async () => {
    const before = await countIn('pmta');
    mkdirSync(join(dir, 'resume'), { recursive: true });
    const live = join(dir, 'resume', 'acct.csv');
    const [h1, ...rows] = readFileSync(fixture('parse', 'userguide-d-b-t.csv'), 'utf8').trimEnd().split(/\r?\n/);
    // a header re-emitted mid-file with its last two columns swapped: records after it follow it
    const swapLast = (line: string) => {
      const b = line.lastIndexOf(',');
      const a = line.lastIndexOf(',', b - 1);
      return `${line.slice(0, a)},${line.slice(b + 1)},${line.slice(a + 1, b)}`;
    };
    const h2 = swapLast(h1);
    expect(h2).toMatch(/,vmtaPool,queue$/);
    writeFileSync(live, `${h1}\n${rows.join('\n')}\nd,"never closed\n${h2}\n${swapLast(rows[0])}\n`);
    const load = () => runCli(['load', live, '--live', '--clickhouse', url(), '--host', 'mx5'], { env: env() });
    const first = load();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/1 bad record was skipped/);
    const w = ['--group-by', 'type,vmta,pool,diag'];
    const same = () => expect(groups(['query', '--clickhouse', url(), '--hosts', 'mx5', ...w])).toEqual(groups(['query', live, ...w]));
    same();
    // grown: read from the resume point (no note of a read from the start), the bad line not reported again
    // a bad line among the new ones is named by its line and byte in the whole file
    const badAt = statSync(live).size + Buffer.byteLength(`${swapLast(rows[1])}\n`);
    appendFileSync(live, `${swapLast(rows[1])}\nd,"never closed either\n${swapLast(rows[2])}\n`);
    const badLine = readFileSync(live, 'utf8').split('\n').indexOf('d,"never closed either') + 1;
    const grown = load();
    expect(grown.stdout).toMatch(/grew since the last load, 2 new records loaded \(from byte [\d,]+\)\n/);
    expect(grown.stderr).toMatch(/1 bad record was skipped/);
    expect(grown.stderr).toContain(`acct.csv:${badLine} (byte ${badAt})`);
    same();
    // a resume point that cannot be used (here: an unreadable file) means a read from the start, as right
    const points = readdirSync(join(dir, 'keys')).filter((f) => f.endsWith('.resume.json'));
    expect(points.length).toBeGreaterThan(0);
    for (const f of points) writeFileSync(join(dir, 'keys', f), 'not json');
    appendFileSync(live, `${swapLast(rows[0])}\n`);
    const again = load();
    expect(again.stdout).toMatch(
      /grew since the last load, 1 new records loaded \(from byte [\d,]+; read again from its start: no resume point for it\)/,
    );
    expect(again.stderr).not.toMatch(/bad record/);
    same();
    expect(await countIn('pmta')).toBe(before + 7);
  });

  it('a load killed at seeded points and re-run leaves every record once', async () => {
    const files = ['acct-2026-11-28-0000.csv', 'acct-2026-11-28-0001.csv.gz', 'pipe-restart.csv', 'quoting.csv'].map((f) =>
      join(corpus, f),
    );
    const clean = runCli(['load', ...files, '--clickhouse', set.servers[0].url('clean'), '--host', 'mx1'], { env: env() });
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await countIn('clean');
    let seed = 15;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    for (const point of FAILPOINTS) {
      const db = killedDb(point);
      let kills = 0;
      for (let round = 0; round < 2; round++) {
        const r = runCli(['load', ...files, '--clickhouse', set.servers[0].url(db), '--host', 'mx1', '--batch-rows', '300'], {
          env: { ...env(), PMTA_ACCT_FAILPOINT: `${point}:${next(4)}` },
        });
        if (r.code === -1) kills++;
      }
      expect(kills, point).toBeGreaterThan(0);
      const last = runCli(['load', ...files, '--clickhouse', set.servers[0].url(db), '--host', 'mx1', '--batch-rows', '300'], {
        env: env(),
      });
      expect(last.code, last.stderr).toBe(0);
      expect(await countIn(db), point).toBe(expected);
      expect(groups(['query', '--clickhouse', set.servers[0].url(db), '--group-by', 'isp,type'])).toEqual(
        groups(['query', '--clickhouse', set.servers[0].url('clean'), '--group-by', 'isp,type']),
      );
    }
  });
});

describe('clickhouse init makes and migrates the records tables', () => {
  it('load refuses a store without them, in one line naming init', () => {
    const r = runCli(['load', corpus, '--clickhouse', set.servers[0].url('noinit'), '--host', 'mx1'], { env: env() });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('run pmta-acct clickhouse init');
  });

  it('a store loaded before headers were split out is migrated in place and reads the same', async () => {
    /** 18.16 closes idle keep-alive connections: a stale one is retried once (the request never ran). */
    const sql = (q: string) => set.servers[0].sql(q).catch(() => set.servers[0].sql(q));
    // The store as the earlier load left it: schema 2, a header's names on every row, only the
    // times that parsed (with their keys). Made from what this run loaded, so the answers must agree.
    await sql('CREATE DATABASE old');
    await sql('CREATE TABLE old.schema_migrations AS pmta.schema_migrations');
    await sql('INSERT INTO old.schema_migrations SELECT * FROM pmta.schema_migrations WHERE version <= 2');
    await sql('CREATE TABLE old.load_ledger AS pmta.load_ledger');
    await sql('CREATE TABLE old.records AS pmta.records');
    await sql('ALTER TABLE old.records DROP COLUMN header_id');
    const keys = 'arrayMap(x -> lower(x), names)';
    const cols =
      'host, file_id, offset, line, time, timed, type, type_code, isp, ip, vmta, pool, job, domain, bounce_cat, outcome, hard, latency, latency_bin, size, dsn_status, dsn_diag, diag, rcpt_hash, rcpt';
    // every record, then a third of them again: an earlier load re-inserted batches after kills
    // and relied on FINAL; migration 4 must leave each once
    for (const where of ['1', 'offset % 3 = 0'])
      await sql(
        `INSERT INTO old.records (${cols}, col_names, col_keys, col_values, time_keys, time_values)
         SELECT ${cols}, names, ${keys}, col_values, arrayFilter((k, v) -> v != -9007199254740991, tk, time_values),
           arrayFilter(v -> v != -9007199254740991, time_values)
         FROM pmta.records FINAL ANY LEFT JOIN (SELECT header_id, names,
           arrayFilter((k, i) -> substring(k, 1, 4) = 'time' AND indexOf(${keys}, k) = i, ${keys}, arrayEnumerate(names)) AS tk
           FROM pmta.record_headers) USING header_id WHERE ${where}`,
      );
    const old = set.servers[0].url('old');
    const refused = runCli(['load', corpus, '--clickhouse', old, '--host', 'mx1'], { env: env() });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/schema is version 2, older .*run pmta-acct clickhouse init/);
    const init = runCli(['clickhouse', 'init', '--clickhouse', old]);
    expect(init.stdout).toContain('migrations 3, 4, 5, 6 applied');
    const counts = (await sql('SELECT (SELECT count() FROM old.records), (SELECT count() FROM pmta.records)')).trim().split('\t');
    expect(counts[0]).toBe(counts[1]);
    // the old load's files are checked at their next load: what is stored is not inserted again
    const reload = runCli(['load', corpus, '--clickhouse', old, '--host', 'mx1'], { env: env() });
    expect(reload.code, reload.stderr).toBe(0);
    expect(reload.stdout).toMatch(/pmta-acct load: 0 records loaded/);
    for (const args of [
      ['--group-by', 'isp,type,diag'],
      ['--group-by', 'type', '--where', "timeQueued >= 2026-11-28 and jobId != '' or dsnDiag ~ /mailbox/"],
    ])
      expect(groups(['query', '--clickhouse', old, ...args]), args.join(' ')).toEqual(groups(['query', '--clickhouse', url(), ...args]));
    const star = (u: string) => runCli(['query', '--clickhouse', u, '--select', '*', '--limit', '50', '--format', 'ndjson']).stdout;
    expect(star(old)).toEqual(star(url()));
    expect(star(old).split('\n').length).toBeGreaterThan(40);
    // new rows beside the old ones: both layouts in one answer
    const more = runCli(['load', fixture('parse', 'userguide-d-b-t.csv'), '--clickhouse', old, '--host', 'mx3'], { env: env() });
    expect(more.code, more.stderr).toBe(0);
    const w = ['--group-by', 'type,vmta', '--where', "timeQueued >= 2019-01-01 and jobId != '' or dsnDiag ~ /denied/i"];
    const mx3 = groups(['query', '--clickhouse', old, '--hosts', 'mx3', ...w]);
    expect(mx3).toEqual(groups(['query', fixture('parse', 'userguide-d-b-t.csv'), ...w]));
    expect(mx3.groups.length).toBeGreaterThan(0);
    expect(groups(['query', '--clickhouse', old, '--hosts', 'mx1', ...w])).toEqual(
      groups(['query', '--clickhouse', url(), '--hosts', 'mx1', ...w]),
    );
  });

  it('clickhouse prune --keep records=... drops whole days of records, never the untimed ones', async () => {
    const db = set.servers[0].url('pruned');
    init('pruned');
    const some = ['acct-2026-11-28-0000.csv', 'acct-2026-11-28-0001.csv.gz', 'pipe-restart.csv', 'no-time-column.csv'];
    const load = runCli(['load', ...some.map((f) => join(corpus, f)), '--clickhouse', db, '--host', 'mx1'], { env: env() });
    expect(load.code, load.stderr).toBe(0);
    const sql = (q: string) => set.servers[0].sql(q).catch(() => set.servers[0].sql(q));
    const counts = async () =>
      (await sql('SELECT countIf(timed = 1), countIf(timed = 0) FROM pruned.records FINAL')).trim().split('\t').map(Number);
    const [timed, untimed] = await counts();
    expect(timed).toBeGreaterThan(500);
    expect(untimed).toBeGreaterThan(0);
    const at = { PMTA_ACCT_NOW: String(Date.parse('2026-11-30T00:00:00Z') / 1000) };
    const dry = runCli(['clickhouse', 'prune', '--clickhouse', db, '--keep', '1h=7d,records=1d', '--dry-run'], { env: at });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would drop records day 2026-11-28 \(\d+ rows\)/);
    expect(dry.stdout).not.toContain('1970-01-01');
    expect(await counts()).toEqual([timed, untimed]);
    // a day ends at midnight UTC: 2026-11-28 has ended for one day on the 30th, not 2026-11-29
    const r = runCli(['clickhouse', 'prune', '--clickhouse', db, '--keep', 'records=1d'], { env: at });
    expect(r.code, r.stderr).toBe(0);
    const left = Number(
      (
        await sql("SELECT count() FROM pruned.records FINAL WHERE timed = 1 AND time < toUInt32(toDateTime('2026-11-29 00:00:00', 'UTC'))")
      ).trim(),
    );
    expect(left).toBe(0);
    expect((await counts())[1]).toBe(untimed);
    expect(runCli(['clickhouse', 'prune', '--clickhouse', db, '--keep', '']).code).toBe(3);
  });
});
