import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

function rulesFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pmta-rules-')), 'rules.yaml');
  writeFileSync(file, text);
  return file;
}

interface VerdictJson {
  level: string;
  rule: string;
  scope: Record<string, string>;
  value: number;
  count: number;
  volume: number;
  window: { start: string; end: string; seconds: number };
  message: string;
}

/** The sample day: Microsoft's complaints (2 of 1,182 delivered, 0.169%) are over 0.1% for the day. */
describe('report with verdicts (built CLI, sample day)', () => {
  it('adds status and verdicts to the JSON (still version 1) and exits with the check codes', () => {
    const r = runCli(['report', 'samples/', '--format', 'json', '--by', 'isp']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { version: number; status: string; verdicts: VerdictJson[] };
    expect(j.version).toBe(1);
    expect(j.status).toBe('WARN');
    expect(j.verdicts[0]).toEqual({
      level: 'WARN',
      rule: 'complaint',
      metric: 'complaint',
      scope: { isp: 'microsoft' },
      value: 0.001692,
      threshold: 0.001,
      warn: 0.001,
      crit: 0.003,
      count: 2,
      volume: 1182,
      limit: null,
      window: { start: '2026-11-28T05:00:00Z', end: '2026-11-29T05:00:00Z', seconds: 86400 },
      message: 'microsoft complaint 0.169% (2 of 1,182) over the last 24h > 0.1%',
    });
    expect(j.verdicts.map((v) => v.rule)).toEqual(['complaint', 'hard-bounce', 'complaint', 'silence']);
  });

  it('keeps its verdict exit code when the reader stops early (| head)', () => {
    // About 3 MB of JSON, far past a pipe's buffer: the write meets a closed pipe.
    const r = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$0" "$1" report samples/ --format json --by isp,ip --bucket 5m | head -c 100 >/dev/null',
        process.execPath,
        CLI,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(1);
  });

  it('exits 0 with --exit-zero, and judges nothing with --no-verdicts', () => {
    expect(runCli(['report', 'samples/', '--format', 'csv', '--exit-zero']).code).toBe(0);
    const none = runCli(['report', 'samples/', '--format', 'json', '--no-verdicts']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ status: null, verdicts: [] });
  });

  it('judges windows ending at --at, with a day that began at 05:00 UTC', () => {
    const r = runCli(['report', 'samples/', '--format', 'json', '--at', '2026-11-28 08:00', '--by', 'isp']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout) as { verdicts: VerdictJson[] };
    expect(j.verdicts[0]).toMatchObject({ level: 'CRIT', rule: 'deferral', scope: { isp: 'gmail' }, count: 10, volume: 122 });
    // The tables still cover the whole input: --at moves the windows, --since/--until the range.
    expect(runCli(['report', 'samples/', '--format', 'json', '--at', '2026-11-28 08:00']).stdout).toContain('"delivered": 5057');
  });

  it('puts the verdicts first in the table and in Markdown', () => {
    const table = runCli(['report', 'samples/', '--format', 'table', '--top', '2']).stdout;
    expect(table.indexOf('Verdicts (windows ending 2026-11-29 05:00 UTC, built-in rules)')).toBeLessThan(table.indexOf('Totals'));
    expect(table).toContain('  WARN  microsoft complaint 0.169% (2 of 1,182) over the last 24h > 0.1%\n  OK    3 more verdicts\n');
    const md = runCli(['report', 'samples/', '--format', 'md', '--top', '2']).stdout;
    expect(md.indexOf('## Verdicts')).toBeLessThan(md.indexOf('## Totals'));
    expect(md).toContain('- **WARN** microsoft complaint 0.169% (2 of 1,182) over the last 24h \\> 0.1%\n- OK: 3 other checks passed.\n');
  });

  it('highlights table rates by the rules in effect', () => {
    const gmailRow = (md: string) => md.split('\n').find((l) => l.startsWith('| gmail |')) ?? '';
    // Gmail's day: deferral 3.88%, over the built-in 3% warning.
    expect(gmailRow(runCli(['report', 'samples/', '--format', 'md', '--by', 'isp']).stdout)).toContain('**3.88%**');
    const rules = rulesFile('rules:\n  - metric: deferral\n    scope: isp=gmail\n    warn: 4%\n');
    const md = runCli(['report', 'samples/', '--format', 'md', '--by', 'isp', '--rules', rules]).stdout;
    expect(gmailRow(md)).toContain('| 3.88% |');
    expect(md).toContain(`rules from ${rules}`);
    // A bounce rule makes the Bounce column speak too (gmx: 14.49%).
    const bounce = rulesFile('rules:\n  - metric: bounce\n    scope: isp\n    warn: 10%\n');
    const gmx = runCli(['report', 'samples/', '--format', 'md', '--by', 'isp', '--rules', bounce])
      .stdout.split('\n')
      .find((l) => l.startsWith('| gmx |'));
    expect(gmx).toContain('**14.49%**');
  });

  it('stops with exit 3 and a precise message on a bad rules file', () => {
    const rules = rulesFile('rules:\n  - metric: complaint\n    scope: isp\n    window: forever\n    warn: 1%\n');
    const r = runCli(['report', 'samples/', '--rules', rules]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `pmta-acct: ${rules}:4:13: rules[0].window: expected a duration in whole minutes from 1m to 7d, such as 15m, 1h or 24h\n`,
    );
    expect(r.stdout).toBe('');
  });
});
