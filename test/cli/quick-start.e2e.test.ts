/**
 * The README's quick start, as a user on a fresh clone types it: `npx pmta-acct report samples/`.
 * npx runs the package's own bin file, so the build must leave it executable (tsc does not).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';

describe('quick start', () => {
  it('the README names `npx pmta-acct report samples/`', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm install && npx pmta-acct report samples/');
  });

  it('the built bin is executable and runs through npx on the bundled samples', () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const r = spawnSync('npx', ['--no', 'pmta-acct', 'report', 'samples/', '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
      maxBuffer: 64 << 20,
    });
    const stderr = r.stderr.toString();
    // exit 1: the sample day has a WARNING verdict (README: the quick start exits with status 1)
    expect(r.status, stderr).toBe(1);
    const report = JSON.parse(r.stdout.toString()) as {
      version: number;
      input: { files: number; records: number };
      verdicts: { level: string }[];
    };
    expect(report.version).toBe(1);
    expect(report.input.files).toBeGreaterThan(3);
    expect(report.input.records).toBeGreaterThan(1000);
    expect(report.verdicts.some((v) => v.level === 'WARN')).toBe(true);
  });
});
