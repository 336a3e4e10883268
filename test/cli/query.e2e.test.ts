import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { diagTemplate } from '../../src/classify/diag.js';
import { runCli } from '../helpers/cli.js';
import { countBy, epochOf, ispOf, jobOf, type Row, SAMPLE_FILES, sampleRows, sendingIp } from '../helpers/sample-rows.js';

interface Group {
  bucket?: string | null;
  key: Record<string, string>;
  delivered: number;
  deferred: number;
  bounced: number;
  hardBounced: number;
  softBounced: number;
  complaints: number;
  [k: string]: unknown;
}

interface QueryJson {
  version: number;
  where: string | null;
  by: string[];
  input: { files: number; records: number; counted: number; unmatched: number; filtered: number; pruned: number; prunedFiles: string[] };
  total: Group;
  groups: Group[];
}

function queryJson(args: readonly string[]): QueryJson {
  const r = runCli(['query', '--format', 'json', ...args]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as QueryJson;
}

const rows = sampleRows();

/** pmta-acct's groups as key → type counts, like countBy. */
function asCounts(groups: readonly Group[], key: (g: Group) => string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const g of groups) {
    const c: Record<string, number> = {};
    const put = (k: string, n: unknown) => {
      if (typeof n === 'number' && n > 0) c[k] = n;
    };
    put('d', g.delivered);
    put('t', g.deferred);
    put('tq', g.queueDeferred);
    put('b', g.bounced);
    put('hard', g.hardBounced);
    put('soft', g.softBounced);
    put('f', g.complaints);
    put('rb', g.remoteBounced);
    out.set(key(g), c);
  }
  return out;
}

function sorted(m: Map<string, Record<string, number>>): [string, Record<string, number>][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('query: aggregates equal an independent csv-parse reading of the sample day', () => {
  it('Gmail bounces and deferrals by sending IP and type', () => {
    const got = queryJson(['samples/', '--where', 'isp = gmail and type in (b, t)', '--group-by', 'ip,type']);
    const want = countBy(
      rows.filter((r) => ispOf(r) === 'gmail' && (r.type === 'b' || r.type === 't')),
      (r) => `${sendingIp(r)}|${r.type}`,
    );
    expect(sorted(asCounts(got.groups, (g) => `${g.key.ip}|${g.key.type}`))).toEqual(sorted(want));
    expect(got.input.counted).toBe([...want.values()].reduce((n, c) => n + (c.b ?? 0) + (c.t ?? 0), 0));
    expect(got.input.unmatched + got.input.counted).toBe(6000);
  });

  it('the incident window, in the server zone, by diag template', () => {
    const since = epochOf('2026-11-28 02:00:00-0500');
    const until = epochOf('2026-11-28 04:00:00-0500');
    const got = queryJson([
      'samples/',
      '--since',
      '2026-11-28 02:00',
      '--until',
      '2026-11-28 04:00',
      '--tz',
      'America/New_York',
      '--where',
      'isp = gmail and ip = 203.0.113.14',
      '--group-by',
      'outcome,diag',
    ]);
    const inWindow = rows.filter(
      (r) => epochOf(r.timelogged) >= since && epochOf(r.timelogged) < until && ispOf(r) === 'gmail' && sendingIp(r) === '203.0.113.14',
    );
    const want = countBy(
      inWindow,
      (r) =>
        `${r.type === 'b' ? (['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'].includes(r.bouncecat) ? 'hard-bounce' : 'soft-bounce') : { d: 'delivered', t: 'deferred' }[r.type]}|${diagTemplate(r.dsndiag)}`,
    );
    expect(sorted(asCounts(got.groups, (g) => `${g.key.outcome}|${g.key.diag}`))).toEqual(sorted(want));
    expect(got.groups.some((g) => g.key.diag.includes('4.7.28') && g.deferred > 0)).toBe(true);
  });

  it('complaints by job (jobId, or header_X-job for f records), with rates', () => {
    const got = queryJson(['samples/', '--group-by', 'job', '--sort', 'complaint']);
    const want = countBy(
      rows.filter((r) => ['d', 'b', 't', 'tq', 'f', 'rb', 'rs', 'r'].includes(r.type)),
      jobOf,
    );
    expect(sorted(asCounts(got.groups, (g) => g.key.job))).toEqual(sorted(want));
    const rates = got.groups.map((g) => (g.rates as { complaint: number | null }).complaint);
    const numbers = rates.filter((x): x is number => x !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(rates.indexOf(null) === -1 || rates.slice(rates.indexOf(null)).every((x) => x === null)).toBe(true);
    expect(got.groups[0].complaints).toBeGreaterThan(0);
  });

  it('any header column as a key, --top and --sort by a counter', () => {
    const got = queryJson(['samples/', '--where', 'type = b', '--group-by', 'dsnStatus', '--sort', 'bounced', '--top', '3']);
    const want = [
      ...countBy(
        rows.filter((r) => r.type === 'b'),
        (r) => r.dsnstatus,
      ).entries(),
    ]
      .map(([k, c]) => [k, c.b] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(got.groups.map((g) => [g.key.dsnStatus, g.bounced])).toEqual(want.slice(0, 3));
    expect((got as unknown as { omittedKeys: number }).omittedKeys).toBe(want.length - 3);
  });

  it('delivery latency percentiles per group for Yahoo', () => {
    const got = queryJson(['samples/', '--where', 'isp = yahoo and type = d', '--group-by', 'pool']);
    for (const g of got.groups) {
      const lat = rows
        .filter((r) => r.type === 'd' && ispOf(r) === 'yahoo' && r.vmtapool === g.key.pool)
        .map((r) => epochOf(r.timelogged) - epochOf(r.timequeued))
        .sort((a, b) => a - b);
      const l = g.latency as { count: number; p50: number };
      expect(l.count).toBe(lat.length);
      const exact = lat[Math.ceil(0.5 * lat.length) - 1];
      expect(Math.abs(l.p50 - exact)).toBeLessThanOrEqual(exact < 16 ? 0 : exact * 0.0625);
    }
  });

  it('is the same with one thread and with several, and with quoted globs', () => {
    const a = runCli(['query', '--format', 'json', 'samples/', '--where', 'type in (b,t)', '--group-by', 'isp,diag', '--workers', '1']);
    const b = runCli([
      'query',
      '--format',
      'json',
      'samples/',
      '--where',
      'type in (b,t)',
      '--group-by',
      'isp,diag',
      '--workers',
      '3',
      '--min-range',
      '100000',
    ]);
    const c = runCli(['query', '--format', 'json', 'samples/acct-*.csv*', '--where', 'type in (b,t)', '--group-by', 'isp,diag']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
  });
});

describe('query --select: the records themselves', () => {
  const filter = (r: Row) => ispOf(r) === 'microsoft' && r.type === 'b';

  it('ndjson: every matching record in file order, derived fields typed', () => {
    const r = runCli([
      'query',
      'samples/',
      '--where',
      'isp = microsoft and type = b',
      '--select',
      'rcpt,dsnStatus,isp,hard,latency,outcome',
      '--format',
      'ndjson',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const want = rows.filter(filter);
    expect(lines.map((l) => l.rcpt)).toEqual(want.map((w) => w.rcpt));
    expect(lines.map((l) => l.dsnStatus)).toEqual(want.map((w) => w.dsnstatus));
    expect(lines.every((l) => l.isp === 'microsoft' && typeof l.hard === 'boolean' && l.latency === null)).toBe(true);
    expect(lines.map((l) => l.outcome)).toEqual(
      want.map((w) =>
        ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'].includes(w.bouncecat) ? 'hard-bounce' : 'soft-bounce',
      ),
    );
  });

  it('csv reads back with csv-parse, dsnDiag intact', () => {
    const r = runCli([
      'query',
      'samples/',
      '--where',
      'isp = microsoft and type = b',
      '--select',
      'timeLogged,rcpt,dsnDiag',
      '--format',
      'csv',
    ]);
    const back = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(back.map((x) => [x.timeLogged, x.rcpt, x.dsnDiag])).toEqual(rows.filter(filter).map((w) => [w.timelogged, w.rcpt, w.dsndiag]));
  });

  it('--limit stops reading; json carries where, columns and counts', () => {
    const r = runCli(['query', 'samples/', '--where', 'type = t', '--select', 'rcpt', '--limit', '5', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as {
      version: number;
      where: string;
      columns: string[];
      records: { rcpt: string }[];
      limited: boolean;
      input: { records: number; matched: number };
    };
    expect(doc).toMatchObject({ version: 1, where: 'type = t', columns: ['rcpt'], limited: true, input: { matched: 5 } });
    expect(doc.records.map((x) => x.rcpt)).toEqual(
      rows
        .filter((x) => x.type === 't')
        .slice(0, 5)
        .map((x) => x.rcpt),
    );
    expect(doc.input.records).toBeLessThan(6000);
  });

  it('* selects every column of the first header', () => {
    const r = runCli(['query', 'samples/', '--where', 'type = f', '--select', '*', '--format', 'csv']);
    const back = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(back.length).toBe(rows.filter((x) => x.type === 'f').length);
    expect(back[0]['header_X-job']).toBe(rows.find((x) => x.type === 'f')?.['header_x-job']);
  });
});

describe('query: pruning by file name', () => {
  it('never opens a file the range excludes (a FIFO decoy would block forever)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-prune-'));
    for (const f of SAMPLE_FILES) copyFileSync(f, join(dir, basename(f)));
    // after the range (--until), and in an old series that moved on to a later file (--since)
    const after = join(dir, 'acct-2026-12-05-0000.csv');
    const old = join(dir, 'old-2026-10-01-0000.csv');
    for (const fifo of [after, old]) expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(join(dir, 'old-2026-10-02-0000.csv'), 'type,timeLogged\n');
    const decoys = [after, old];
    if (process.getuid?.() !== 0) {
      // where permissions hold, an unreadable file too (root reads anything)
      const locked = join(dir, 'acct-2026-12-06-0000.csv');
      writeFileSync(locked, 'type,timeLogged\n');
      chmodSync(locked, 0o000);
      decoys.push(locked);
    }
    const r = spawnSync(
      process.execPath,
      [
        join('dist', 'src', 'cli', 'main.js'),
        'query',
        `${dir}/*-*.csv*`,
        '--since',
        '2026-11-28',
        '--until',
        '2026-11-30',
        '--format',
        'json',
        '--group-by',
        'isp',
      ],
      { timeout: 60_000, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as QueryJson;
    expect(got.input.prunedFiles.sort()).toEqual(decoys.sort());
    expect(got.input.files).toBe(5);
    expect(got.input.counted).toBe(6000);
  });

  it('prunes conservatively: a file holds events until the next one of its series started', () => {
    // the sample day is named 2026-11-28 (server time, -0500) and runs to 2026-11-29T04:59Z: all four files are read
    const late = queryJson(['samples/', '--since', '2026-11-29T04:00:00Z']);
    expect(late.input.pruned).toBe(0);
    expect(late.input.counted).toBe(rows.filter((r) => epochOf(r.timelogged) >= epochOf('2026-11-28 23:00:00-0500')).length);
    expect(late.input.counted).toBeGreaterThan(0);
    // past what the first three files can hold whatever the server's zone: only the last (it may still grow) is read
    const later = queryJson(['samples/', '--since', '2026-11-29T14:00:00Z']);
    expect(later.input.prunedFiles.map((p) => basename(p))).toEqual([
      'acct-2026-11-28-0000.csv.gz',
      'acct-2026-11-28-0001.csv',
      'acct-2026-11-28-0002.csv',
    ]);
    expect(later.input.files).toBe(1);
    expect(later.input.counted).toBe(0);
    const before = queryJson(['samples/', '--until', '2026-11-27T09:00:00Z']);
    expect(before.input.pruned).toBe(4);
  });
});

describe('query: errors, hostile text, progress', () => {
  it('a syntax error points at the column, exit 3, nothing read', () => {
    const r = runCli(['query', 'samples/', '--where', 'isp = gmail and (type = b or']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'pmta-acct: --where: expected a field name, found the end of the expression (column 29)\n  isp = gmail and (type = b or\n                              ^\n',
    );
  });

  it('refuses --select with --group-by, --limit without --select, unknown fields and sort keys', () => {
    expect(runCli(['query', 'samples/', '--select', 'rcpt', '--group-by', 'isp']).code).toBe(3);
    expect(runCli(['query', 'samples/', '--limit', '3']).stderr).toContain('--limit applies to --select');
    expect(runCli(['query', 'samples/', '--group-by', 'bad field']).stderr).toContain("'bad field' is not a field name");
    expect(runCli(['query', 'samples/', '--group-by', 'isp', '--sort', 'nope']).stderr).toContain("--sort: 'nope'");
  });

  it('warns about a column that no header has', () => {
    const r = runCli(['query', 'samples/', '--where', 'rpct = x', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("column 'rpct' is in no header read");
  });

  it('escapes record text for each sink', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-hostile-'));
    const file = join(dir, 'hostile.csv');
    writeFileSync(
      file,
      [
        'type,timeLogged,rcpt,dsnDiag',
        'b,2026-11-28 10:00:00+0000,=HYPERLINK("http://evil.example"),"smtp;550 \u001b]0;pwned\u0007 \u001b[31mred \u009b2J \u202eevil"',
        '',
      ].join('\n'),
    );
    const table = runCli(['query', file, '--select', 'rcpt,dsnDiag', '--format', 'table']);
    expect(table.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(table.stdout).toContain('\\x1b]0;pwned\\x07');
    const csv = runCli(['query', file, '--select', 'rcpt,dsnDiag', '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[1].startsWith(`"'=HYPERLINK(""http://evil.example"")"`)).toBe(true);
    const nd = runCli(['query', file, '--select', 'rcpt,dsnDiag', '--format', 'ndjson']);
    expect(nd.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect((JSON.parse(nd.stdout) as { dsnDiag: string }).dsnDiag).toBe('smtp;550 \u001b]0;pwned\u0007 \u001b[31mred \u009b2J \u202eevil');
    const groups = runCli(['query', file, '--group-by', 'diag', '--format', 'table']);
    expect(groups.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    const json = runCli(['query', file, '--group-by', 'diag', '--format', 'json']);
    expect(json.stdout).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(json.stdout).toContain('\\u202eevil');
    // Markdown: a cell cannot end the table row, open markup or reach the terminal raw
    writeFileSync(
      join(dir, 'pipe.csv'),
      'type,timeLogged,rcpt,dsnDiag\nb,2026-11-28 10:00:00+0000,a@b.example,"smtp;550 x | y <script>alert(1)</script> *z*"\n',
    );
    for (const args of [
      ['--select', 'rcpt,dsnDiag'],
      ['--group-by', 'diag'],
    ]) {
      const md = runCli(['query', join(dir, 'pipe.csv'), ...args, '--format', 'md']);
      expect(md.code, md.stderr).toBe(0);
      const row = md.stdout.split('\n').find((l) => l.includes('x \\| y'));
      expect(row, md.stdout).toBeDefined();
      expect(row).toContain('\\<script\\>');
      expect(row).toContain('\\*z\\*');
      expect(row?.split(/(?<!\\)\|/).length).toBe(args[0] === '--select' ? 4 : 14);
    }
    const mdHostile = runCli(['query', file, '--select', 'rcpt,dsnDiag', '--format', 'md']);
    expect(mdHostile.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
  });

  it('progress goes to stderr only when asked or on a terminal', () => {
    const quiet = runCli(['query', 'samples/', '--group-by', 'isp', '--format', 'json']);
    expect(quiet.stderr).toBe('');
    const shown = runCli(['query', 'samples/', '--group-by', 'isp', '--format', 'json', '--progress']);
    expect(shown.stderr).toMatch(/pmta-acct: \d+\/4 files, .* rows\/s, ETA/);
    expect(shown.stdout).toBe(quiet.stdout);
  });
});
