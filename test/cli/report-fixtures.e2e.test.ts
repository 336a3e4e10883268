import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, reportJson, ROOT, runCli } from '../helpers/cli.js';

const f = (name: string) => fixture('parse', name);

function group(report: ReturnType<typeof reportJson>, key: Record<string, string>) {
  const g = report.groups.find((x) => Object.entries(key).every(([k, v]) => x.key[k] === v));
  if (!g) throw new Error(`no group ${JSON.stringify(key)} in ${JSON.stringify(report.groups.map((x) => x.key))}`);
  return g;
}

describe('report over the format fixtures (built CLI)', () => {
  it('reads the User Guide d/b/t lines: rollup queues, spam-related is soft, ISPs by domain', () => {
    const r = reportJson(['--by', 'isp,ip', f('userguide-d-b-t.csv')]);
    expect(r.total).toMatchObject({ delivered: 1, bounced: 1, hardBounced: 0, softBounced: 1, deferred: 1, deliveredBytes: 41159 });
    expect(group(r, { isp: 'yahoo', ip: '10.1.2.3' })).toMatchObject({ bounced: 1, delivered: 0 });
    expect(group(r, { isp: 'yahoo', ip: '10.59.14.69' })).toMatchObject({ deferred: 1 });
    expect(group(r, { isp: 'other', ip: '10.1.2.3' })).toMatchObject({ delivered: 1 });
  });

  it('takes the tq domain from the queue, in UTF-8', () => {
    const r = reportJson(['--by', 'domain,ip', f('userguide-tq.csv')]);
    expect(r.groups).toEqual([expect.objectContaining({ key: { domain: 'bücher.de', ip: '0.0.0.0' }, queueDeferred: 1 })]);
  });

  it('counts r, rb and f records, and never takes an f record dlvSourceIp for a sending IP', () => {
    expect(reportJson([f('userguide-r.csv')]).total).toMatchObject({ received: 1 });
    expect(reportJson([f('userguide-rb.csv')]).total).toMatchObject({ remoteBounced: 1 });
    const fr = reportJson(['--by', 'ip', f('userguide-f.csv')]);
    expect(fr.total).toMatchObject({ complaints: 1 });
    expect(fr.groups[0].key).toEqual({ ip: '' });
  });

  it('reports the wrapped rb line of the manual as a bad record, not silently', () => {
    const r = reportJson([f('userguide-rb-wrapped.csv')]);
    expect(r.total).toMatchObject({ remoteBounced: 1 });
    expect(r.input.problems.map((p) => [p.code, p.line])).toEqual([['BAD_TIME', 3]]);
  });

  it('counts records of unknown types by name', () => {
    const r = reportJson(['-'], 'type,timeLogged\nd,2026-11-28 10:00:00Z\nzz,2026-11-28 10:00:00Z\nzz,2026-11-28 10:00:01Z\n');
    expect(r.input.unknownTypes).toEqual({ zz: 2 });
    expect(r.total).toMatchObject({ delivered: 1 });
  });

  it('reads epoch times and custom record-fields (manual §11.2.9)', () => {
    const r = reportJson(['--bucket', '1d', f('userguide-encoding-epoch.csv')]);
    expect(r.total).toMatchObject({ delivered: 2, bounced: 2, softBounced: 2 });
    expect(r.input.firstEvent).toBe('2007-05-10T14:38:23Z');
    expect(r.groups[0].bucket).toBe('2007-05-10T00:00:00Z');
  });

  it('places records by timeQueued when a file has no timeLogged, and pads short rows', () => {
    const r = reportJson([f('record-fields-timequeued.csv')]);
    expect(r.total).toMatchObject({ bounced: 2, hardBounced: 2 });
    expect(r.input.firstEvent).toBe('2016-05-28T23:10:23Z');
    expect(r.input.badRecords).toBe(0);
  });

  it('counts records without any time column unless a time range or bucket needs a time', () => {
    expect(reportJson([f('no-time-column.csv')]).total).toMatchObject({ delivered: 1 });
    const bucketed = reportJson(['--bucket', '1h', f('no-time-column.csv')]);
    expect(bucketed.groups[0]).toMatchObject({ bucket: null, delivered: 1 });
    const ranged = reportJson(['--since', '2026-01-01', f('no-time-column.csv')]);
    expect(ranged.total).toMatchObject({ delivered: 0 });
    expect(ranged.input.untimed).toBe(1);
  });

  it('reads the legacy 4.x layout with timeImprinted; latency from timeQueued', () => {
    const r = reportJson(['--by', 'isp', f('legacy-timeimprinted.csv')]);
    expect(r.groups[0]).toMatchObject({ key: { isp: 'yahoo' }, delivered: 1 });
    expect((r.total.latency as { p50: number }).p50).toBeGreaterThan(44 * 86400 * 0.93);
  });

  it('reads the union header, header_* columns and the duplicated column name', () => {
    const r = reportJson(['--by', 'isp,ip', f('union-header.csv')]);
    expect(r.total).toMatchObject({ delivered: 1, bounced: 1, hardBounced: 1, complaints: 1, received: 1, remoteBounced: 1 });
    expect(group(r, { isp: 'yahoo', ip: '' })).toMatchObject({ complaints: 1 });
    expect(group(r, { isp: 'microsoft' })).toMatchObject({ remoteBounced: 1 });
  });

  it('re-maps columns at a header row mid-file (pipe restart)', () => {
    const r = reportJson(['--by', 'isp,job', f('pipe-restart.csv')]);
    expect(group(r, { isp: 'gmail', job: '' })).toMatchObject({ delivered: 1, hardBounced: 1 });
    expect(group(r, { isp: 'yahoo', job: 'job-9' })).toMatchObject({ delivered: 1, softBounced: 1 });
  });

  it('matches header names case-insensitively and treats repeated headers as headers', () => {
    const r = reportJson(['--by', 'ip', f('concatenated-case.csv')]);
    expect(r.input.records).toBe(3);
    expect(r.total).toMatchObject({ delivered: 2, deferred: 1 });
  });

  it('decodes quoted fields with commas, doubled quotes and line breaks', () => {
    const r = reportJson(['--by', 'domain', f('quoting.csv')]);
    expect(r.input.badRecords).toBe(0);
    expect(r.total).toMatchObject({ delivered: 1, deferred: 1, bounced: 1 });
    expect(r.groups.map((g) => g.key.domain)).toEqual(['gmail.com']);
  });

  it('skips a BOM and blank lines, pads short rows, ignores extra empty cells', () => {
    const r = reportJson(['--by', 'ip,bounceCat', f('bom-blank-short.csv')]);
    expect(r.input).toMatchObject({ records: 2, badRecords: 0 });
    expect(r.groups.map((g) => g.key)).toContainEqual({ ip: '', bounceCat: '' });
    expect(r.groups.map((g) => g.key)).toContainEqual({ ip: '203.0.113.10', bounceCat: 'bad-domain' });
  });

  it('reads every accepted time form as the same instant', () => {
    const r = reportJson(['--bucket', '1m', f('time-forms.csv')]);
    expect(r.input.badRecords).toBe(0);
    expect(r.groups).toEqual([expect.objectContaining({ bucket: '2026-11-28T15:00:00Z', delivered: 8 })]);
  });

  it('reports bad records with file, line and byte and goes on', () => {
    const r = reportJson([f('bad-records.csv')]);
    expect(r.total).toMatchObject({ delivered: 3 });
    expect(r.input.badRecords).toBe(4);
    expect(r.input.problems.map((p) => [p.code, p.line])).toEqual([
      ['BAD_TIME', 3],
      ['UNTERMINATED_QUOTE', 4],
      ['FIELD_COUNT', 6],
      ['INVALID_CLOSING_QUOTE', 7],
    ]);
    expect(r.input.problems[0].file).toMatch(/bad-records\.csv$/);
    expect(r.input.problems[0].byte).toBe('type,timeLogged,rcpt,dsnDiag\nd,2026-11-28 10:00:00+0000,a@gmail.com,ok\n'.length);
  });

  it('says on stderr how many bad records there were and where the first is, in the singular too', () => {
    const csv = runCli(['report', '--no-verdicts', '--format', 'csv', f('bad-records.csv')]);
    expect(csv.stderr).toMatch(/4 bad records \(first: .*bad-records\.csv:3\); --format json lists them in input\.problems/);
    const one = runCli(['query', '--group-by', 'isp', '--format', 'csv', '-'], {
      input: 'type,timeLogged,rcpt\nd,yesterday,a@gmail.com\n',
    });
    expect(one.stderr).toMatch(/1 bad record \(first: .*:2\); --format json/);
  });

  it('makes the first bad record fatal with --strict (exit 3, file:line in the message)', () => {
    const r = runCli(['report', '--format', 'json', '--strict', f('bad-records.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad-records\.csv:3 \(byte 71\): timeLogged 'yesterday' is not a time/);
  });

  it('reads standard input', () => {
    const r = reportJson(['-'], 'type,timeLogged,rcpt\nd,2026-11-28 10:00:00+0000,a@gmail.com\n');
    expect(r.total).toMatchObject({ delivered: 1 });
  });

  it('reads gzipped standard input as it reads the .gz file (by content), in report and query', () => {
    const gz = readFileSync(join(ROOT, 'samples', 'acct-2026-11-28-0000.csv.gz'));
    const fromFile = reportJson(['--by', 'isp', join(ROOT, 'samples', 'acct-2026-11-28-0000.csv.gz')]);
    const fromStdin = reportJson(['--by', 'isp', '-'], gz);
    expect(fromStdin.input).toMatchObject({ records: 765, badRecords: 0 });
    expect(fromStdin.total).toEqual(fromFile.total);
    expect(fromStdin.groups).toEqual(fromFile.groups);
    const q = runCli(['query', '--select', 'type', '--limit', '2', '--format', 'csv', '-'], { input: gz });
    expect(q.stdout).toBe('type\r\nt\r\nd\r\n');
  });

  it('refuses a named pipe (or <(zcat ...)) with exit 3 and its name, pointing to standard input', () => {
    // It was read by position: "ESPIPE: invalid seek, read", naming no file.
    const dir = mkdtempSync(join(tmpdir(), 'pmta-fifo-'));
    try {
      const fifo = join(dir, 'acct.csv');
      execFileSync('mkfifo', [fifo]);
      const r = runCli(['report', '--no-verdicts', fifo]);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `pmta-acct: ${fifo}: not a regular file (a pipe or a device): pmta-acct reads files by position; give a stream on standard input, as -\n`,
      );
      const c = runCli(['check', fifo]);
      expect(c.code).toBe(3);
      expect(c.stdout).toMatch(/^PMTA-ACCT UNKNOWN - .*acct\.csv: not a regular file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads each file once: a rotated file found plain and gzipped (gzip -k, or gzip running), a file named twice; and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-twins-'));
    try {
      const plain = readFileSync(f('union-header.csv'));
      writeFileSync(join(dir, 'acct-2026-11-28-0000.csv'), plain);
      writeFileSync(join(dir, 'acct-2026-11-28-0000.csv.gz'), gzipSync(plain));
      const once = reportJson(['--no-verdicts', f('union-header.csv')]);
      const r = runCli(['report', '--no-verdicts', '--format', 'json', dir]);
      expect(r.code).toBe(0);
      const both = JSON.parse(r.stdout) as typeof once;
      expect(both.input).toMatchObject({ files: 1, records: once.input.records });
      expect(both.total).toEqual(once.total);
      const gz = join(dir, 'acct-2026-11-28-0000.csv.gz');
      expect(r.stderr).toBe(
        `pmta-acct: ${gz}: not read: ${gz.slice(0, -3)} is read, the same file before it was gzipped (or while gzip writes it)\n`,
      );
      const q = runCli(['query', '--group-by', 'isp', '--format', 'csv', dir]);
      expect(q.stderr).toContain(`${gz}: not read`);
      // A file named twice (the directory, and the file in it) is read once too.
      const twice = runCli(['report', '--no-verdicts', '--format', 'json', dir, join(dir, 'acct-2026-11-28-0000.csv')]);
      expect((JSON.parse(twice.stdout) as typeof once).input.records).toBe(once.input.records);
      expect(twice.stderr).toContain(`${join(dir, 'acct-2026-11-28-0000.csv')}: not read: the same file as `);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown dimensions and missing inputs with exit 3', () => {
    expect(runCli(['report', '--by', 'colour', f('quoting.csv')]).code).toBe(3);
    const missing = runCli(['report', 'does-not-exist.csv']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/does-not-exist\.csv: no such file/);
  });
});
