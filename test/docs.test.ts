import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers/cli.js';

/** The cron example of the README is the file in docs/cron/, and it does what the README says. */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'pmta-acct-cron-'));
const bin = join(dir, 'bin');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH for the cron script: pmta-acct runs the built CLI, mail records its arguments and body. */
beforeAll(() => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'pmta-acct'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  writeFileSync(join(bin, 'mail'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/mail-args"\ncat > "${dir}/mail-body"\n`);
  chmodSync(join(bin, 'pmta-acct'), 0o755);
  chmodSync(join(bin, 'mail'), 0o755);
});

describe('docs/cron', () => {
  it('the README shows the files as they are', () => {
    for (const f of ['pmta-acct-nightly', 'pmta-acct-nightly.service', 'pmta-acct-nightly.timer', 'crontab']) {
      expect(readme, f).toContain(readFileSync(join(ROOT, 'docs/cron', f), 'utf8'));
    }
  });

  it('the script writes HTML, Markdown and the textfile, mails the Markdown and exits with the verdict', () => {
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      DAY: '2026-11-28',
      LOGS: join(ROOT, 'samples'),
      OUT: join(dir, 'out'),
      DAYS: join(dir, 'days'),
      TEXTFILE: join(dir, 'pmta_acct.prom'),
      MAILTO: 'ops@example.com',
    };
    const r = spawnSync('sh', [join(ROOT, 'docs/cron/pmta-acct-nightly')], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, 'out', '2026-11-28.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readFileSync(join(dir, 'pmta_acct.prom'), 'utf8')).toContain('pmta_acct_report_status 1');
    expect(readFileSync(join(dir, 'days', '2026-11-28.json'), 'utf8')).toContain('"format":"pmta-acct-day"');
    expect(readFileSync(join(dir, 'mail-args'), 'utf8')).toBe('-s\nPowerMTA 2026-11-28: WARNING\nops@example.com\n');
    expect(readFileSync(join(dir, 'mail-body'), 'utf8')).toBe(readFileSync(join(dir, 'out', '2026-11-28.md'), 'utf8'));
    expect(readFileSync(join(dir, 'mail-body'), 'utf8')).toContain('## Verdicts');
  });

  it('reads the move-to directory (ARCHIVE) beside the live one: the day holds the files moved there', () => {
    const logs = join(dir, 'logs');
    const archive = join(dir, 'archive');
    mkdirSync(logs);
    mkdirSync(archive);
    for (const f of ['acct-2026-11-28-0000.csv.gz', 'acct-2026-11-28-0001.csv']) copyFileSync(join(ROOT, 'samples', f), join(archive, f));
    for (const f of ['acct-2026-11-28-0002.csv', 'acct-2026-11-28-0003.csv']) copyFileSync(join(ROOT, 'samples', f), join(logs, f));
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      DAY: '2026-11-28',
      LOGS: logs,
      ARCHIVE: archive,
      OUT: join(dir, 'out3'),
      DAYS: join(dir, 'days3'),
      TEXTFILE: join(dir, 'y.prom'),
    };
    const r = spawnSync('sh', [join(ROOT, 'docs/cron/pmta-acct-nightly')], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const day = JSON.parse(readFileSync(join(dir, 'days3', '2026-11-28.json'), 'utf8')) as { input: { files: number; records: number } };
    expect(day.input).toMatchObject({ files: 4, records: 6000 });
  });

  it('mails the error and exits 3 when the report cannot run', () => {
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      DAY: '2026-11-28',
      LOGS: join(dir, 'nowhere'),
      OUT: join(dir, 'out2'),
      DAYS: join(dir, 'days2'),
      TEXTFILE: join(dir, 'x.prom'),
    };
    const r = spawnSync('sh', [join(ROOT, 'docs/cron/pmta-acct-nightly')], { env, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(readFileSync(join(dir, 'mail-args'), 'utf8')).toContain('PowerMTA 2026-11-28: UNKNOWN (report failed)');
    expect(readFileSync(join(dir, 'mail-body'), 'utf8')).toMatch(/nowhere/);
  });
});
