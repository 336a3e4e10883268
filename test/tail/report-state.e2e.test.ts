/**
 * `report --state` against `report` over the same rotated files: byte-identical groups and totals
 * (JSON) and CSV; the JSON lines of closed buckets; --from <time>; --retain; Prometheus metrics.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { counted, exited, nowAt, startTail, tailOnce, until } from '../helpers/tail.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The sample day as PowerMTA would leave it: three rotated files, the fourth live, then rotated too. */
function sampleDay(): { dir: string; live: string } {
  const root = mkdtempSync(join(tmpdir(), 'pmta-state-'));
  roots.push(root);
  const dir = join(root, 'logs');
  mkdirSync(dir);
  for (const name of readdirSync(join(ROOT, 'samples')).filter((n) => n.startsWith('acct-')))
    copyFileSync(join(ROOT, 'samples', name), join(dir, name));
  const live = join(dir, 'acct.csv');
  renameSync(join(dir, 'acct-2026-11-28-0003.csv'), live);
  return { dir, live };
}

function json(args: string[]): { groups: unknown[]; total: unknown; input: Record<string, unknown> } {
  const r = runCli(['report', '--format', 'json', '--exit-zero', ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { groups: unknown[]; total: unknown; input: Record<string, unknown> };
}

describe('report --state', () => {
  it('is byte-identical to report over the rotated files, for every grouping, bucket and range', () => {
    const { dir, live } = sampleDay();
    const state = join(dir, '..', 'state');
    // The day after the sample day: every bucket is still in the finest tier (48 h).
    const now = nowAt('2026-11-29T12:00:00Z');
    expect(tailOnce(live, state, ['--from', 'beginning', '--bucket', '15m'], [], now).code).toBe(0);
    // PowerMTA rotates the live file: now every record is in a rotated file.
    renameSync(live, join(dir, 'acct-2026-11-28-0003.csv'));
    writeFileSync(live, 'type,timeLogged\r\n');
    expect(tailOnce(live, state, [], [], now).code).toBe(0);
    const cases = [
      ['--by', 'isp', '--bucket', '1h'],
      ['--by', 'isp,ip'],
      ['--by', 'vmta,pool', '--bucket', '1d', '--tz', 'America/New_York'],
      ['--by', 'ip', '--bucket', '15m', '--since', '2026-11-28T12:00:00Z', '--until', '2026-11-28T18:00:00Z'],
      ['--by', 'isp', '--since', '2026-11-28 09:00', '--tz', 'Europe/Paris'],
    ];
    for (const args of cases) {
      const files = json([dir, ...args]);
      const stored = json(['--state', state, ...args]);
      expect(JSON.stringify(stored.groups), args.join(' ')).toBe(JSON.stringify(files.groups));
      expect(JSON.stringify(stored.total), args.join(' ')).toBe(JSON.stringify(files.total));
      expect(stored.input.records).toBe(6000);
    }
    const csvFiles = runCli(['report', '--exit-zero', dir, '--format', 'csv', '--by', 'isp,ip', '--bucket', '1h']);
    const csvState = runCli(['report', '--state', state, '--format', 'csv', '--by', 'isp,ip', '--bucket', '1h']);
    expect(csvState.stdout).toBe(csvFiles.stdout);
    // Finer than stored, or a dimension the state does not keep: a clear refusal.
    const fine = runCli(['report', '--state', state, '--bucket', '5m']);
    expect(fine.code).toBe(3);
    expect(fine.stderr).toMatch(/keeps 15m buckets/);
    const dim = runCli(['report', '--state', state, '--by', 'domain']);
    expect(dim.code).toBe(3);
    expect(dim.stderr).toMatch(/keeps isp, ip, vmta, pool/);
  });

  it('writes one JSON line per closed bucket, each the stored bucket (report group shape)', () => {
    const { dir, live } = sampleDay();
    const state = join(dir, '..', 'state');
    const r = tailOnce(live, state, ['--from', 'beginning', '--bucket', '1h', '--by', 'isp'], [], nowAt('2026-11-29T12:00:00Z'));
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { bucket: string; groups: { bucket: string }[]; total: unknown });
    // The day's last hour has no later event: not closed, not written.
    expect(lines.length).toBe(23);
    const report = json(['--state', state, '--by', 'isp', '--bucket', '1h']);
    for (const line of lines) {
      expect(line.groups.every((g) => g.bucket === line.bucket)).toBe(true);
      expect(JSON.stringify(line.groups)).toBe(
        JSON.stringify(report.groups.filter((g) => (g as { bucket: string }).bucket === line.bucket)),
      );
    }
  });

  it('--from <time> counts events from that time on, like report --since', () => {
    const { dir, live } = sampleDay();
    const state = join(dir, '..', 'state');
    expect(tailOnce(live, state, ['--from', '2026-11-28T15:00:00Z']).code).toBe(0);
    const files = json([dir, '--since', '2026-11-28T15:00:00Z']);
    const stored = json(['--state', state]);
    expect(JSON.stringify(stored.total)).toBe(JSON.stringify(files.total));
  });

  it('--retain drops buckets older than the retention (relative to now)', () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-retain-'));
    roots.push(root);
    const now = Math.floor(Date.now() / 1000);
    const w = new AcctWriter(join(root, 'logs'), 5, { start: now - 10 * 86400, step: 86400 });
    w.rows(10);
    const state = join(root, 'state');
    expect(tailOnce(w.live, state, ['--from', 'beginning', '--retain', '5d']).code).toBe(0);
    const kept = json(['--state', state, '--bucket', '1h']).groups.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(5);
    expect(json(['--state', state]).input.records).toBe(10);
  });
});

describe('tail --metrics', () => {
  it('serves Prometheus text on loopback with bounded labels and a latency histogram', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pmta-metrics-'));
    roots.push(root);
    const w = new AcctWriter(join(root, 'logs'), 8);
    w.rows(120);
    const state = join(root, 'state');
    const child = startTail(w.live, state, ['--from', 'beginning', '--metrics', ':0']);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const done = exited(child);
    await until(() => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/.test(err) && counted(state).rows === 120);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(err)?.[1] as string;
    // A series appears at 0 and takes its count after that scrape (Prometheus' increase() counts
    // only what a counter gains after its first sample).
    const first = await (await fetch(url)).text();
    const text = await (await fetch(url)).text();
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    const e = w.expected();
    const sumOf = (body: string, name: string) =>
      [...body.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
    const sum = (name: string) => sumOf(text, name);
    expect(first).toMatch(/^pmta_acct_delivered_total\{isp="gmail",[^}]*\} 0$/m);
    expect(sumOf(first, 'pmta_acct_delivered_total')).toBe(0);
    expect(sumOf(first, 'pmta_acct_delivery_latency_seconds_count')).toBe(0);
    expect(sumOf(text, 'pmta_acct_delivery_latency_seconds_count')).toBe(e.delivered);
    expect(sum('pmta_acct_delivered_total')).toBe(e.delivered);
    expect(sum('pmta_acct_deferred_total')).toBe(e.deferred);
    expect(text).toMatch(/^pmta_acct_delivered_total\{isp="gmail",source_ip="198\.51\.100\.\d",vmta="vmta\d",pool="pool-a"\} \d+$/m);
    expect(text).toMatch(/^# TYPE pmta_acct_delivery_latency_seconds histogram$/m);
    expect(text).toMatch(/^pmta_acct_delivery_latency_seconds_bucket\{isp="gmail",le="5"\} \d+$/m);
    expect(text).toMatch(/^pmta_acct_records_read_total 120$/m);
    expect(text).toMatch(/^pmta_acct_ingest_lag_bytes \d+$/m);
    // Recipient domains never become label values.
    expect(text).not.toMatch(/gmail\.com|yahoo\.com|example\.org/);
  });
});
