import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Record text is written by remote servers and senders: it must come out inert in every format. */
const hostile = [
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
    const cells = r.stdout.split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(cells).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(cells).toContain("'@SUM(1+1)");
  });

  it('is escaped in Markdown and JSON', () => {
    const md = runCli(['report', '--format', 'md', '--by', 'bounceCat', '-'], { input: hostile }).stdout;
    expect(md).not.toContain('<script>');
    const json = JSON.parse(runCli(['report', '--format', 'json', '--by', 'vmta', '-'], { input: hostile }).stdout) as { groups: { key: { vmta: string } }[] };
    expect(json.groups.map((g) => g.key.vmta)).toContain('vm\u001b[2J\u001b]0;owned\u0007');
  });
});
