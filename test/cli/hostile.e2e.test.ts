import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

/** Run the CLI with stdout on a terminal: util-linux `script` gives it a pseudo-terminal. */
function onTerminal(args: readonly string[]): string | null {
  // stderr (the progress line) goes elsewhere: only stdout is on the terminal.
  const quoted = `${[process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')} 2>/dev/null`;
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error !== undefined) return null;
  return r.stdout.toString('utf8');
}

/** Record text is written by remote servers and senders: it must come out inert in every format. */
const hostile =
  [
    'type,timeLogged,rcpt,dlvSourceIp,vmta,jobId,bounceCat',
    'd,2026-11-28 10:00:00+0000,a@gmail.com,203.0.113.1,"vm\u001b[2J\u001b]0;owned\u0007",=HYPERLINK("http://x"),',
    'b,2026-11-28 10:00:01+0000,b@gmail.com,203.0.113.1,vm2,@SUM(1+1),"<script>alert(1)</script>|"',
  ].join('\n') + '\n';

describe('hostile text in records', () => {
  it('never reaches the terminal table as control characters', () => {
    const r = runCli(['report', '--format', 'table', '--by', 'vmta,job,bounceCat', '-'], { input: hostile });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b|\u0007/);
    expect(r.stdout).toContain('vm\\x1b[2J');
  });

  it('cannot become a spreadsheet formula in CSV', () => {
    const r = runCli(['report', '--format', 'csv', '--by', 'job', '-'], { input: hostile });
    const cells = r.stdout
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(cells).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(cells).toContain("'@SUM(1+1)");
  });

  it('is escaped in Markdown and JSON', () => {
    const md = runCli(['report', '--format', 'md', '--by', 'bounceCat', '-'], { input: hostile }).stdout;
    expect(md).not.toContain('<script>');
    const json = JSON.parse(runCli(['report', '--format', 'json', '--by', 'vmta', '-'], { input: hostile }).stdout) as {
      groups: { key: { vmta: string } }[];
    };
    expect(json.groups.map((g) => g.key.vmta)).toContain('vm\u001b[2J\u001b]0;owned\u0007');
  });
});

describe('CSV on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-hostile-'));
  const file = join(dir, 'acct.csv');
  writeFileSync(
    file,
    [
      'type,timeLogged,rcpt,dlvSourceIp,dsnDiag',
      'b,2026-11-28 10:00:00+0000,a@gmail.com,203.0.113.1,"smtp;550 \u001b]0;owned\u0007 \u001b[31mred"',
    ].join('\r\n') + '\r\n',
  );
  const vmtas = join(dir, 'vmtas.csv');
  writeFileSync(vmtas, hostile);
  const shown = onTerminal(['query', file, '--select', 'dsnDiag', '--format', 'csv']);
  const report = onTerminal(['report', vmtas, '--format', 'csv', '--by', 'vmta']);
  rmSync(dir, { recursive: true, force: true });

  it.skipIf(shown === null)(
    'query --select: controls are shown escaped as the table shows them (skipped without util-linux script)',
    () => {
      expect(shown).not.toMatch(/\u001b|\u0007/);
      expect(shown).toContain('smtp;550 \\x1b]0;owned\\x07 \\x1b[31mred');
    },
  );

  it('a pipe keeps the exact bytes', () => {
    const piped = runCli(['query', '-', '--select', 'dsnDiag', '--format', 'csv'], {
      input: 'type,timeLogged,dsnDiag\r\nb,2026-11-28 10:00:00+0000,"smtp;550 \u001b]0;owned\u0007"\r\n',
    });
    expect(piped.stdout).toBe('dsnDiag\r\nsmtp;550 \u001b]0;owned\u0007\r\n');
  });

  it.skipIf(report === null)('report --format csv on a terminal too', () => {
    expect(report).not.toMatch(/\u001b|\u0007/);
    expect(report).toContain('vm\\x1b[2J\\x1b]0;owned\\x07');
  });
});
