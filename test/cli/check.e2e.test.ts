import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rows, writeAcct, type AcctRow } from '../helpers/acct.js';
import { runCli } from '../helpers/cli.js';
import { at } from '../helpers/rollup.js';

/** 1,000 Gmail attempts from 11:00:00 on, `deferred` of them deferrals. */
function gmailHour(deferred: number, extra: AcctRow[] = []): string {
  return writeAcct([
    ...rows(1000 - deferred, 'd', at(11), { rcpt: 'a@gmail.com', ip: '203.0.113.10', vmta: 'gm-01' }),
    ...rows(deferred, 't', at(11, 20), { rcpt: 'b@gmail.com', ip: '203.0.113.10', vmta: 'gm-01' }),
    ...extra,
  ]);
}

function rulesFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pmta-rules-')), 'rules.yaml');
  writeFileSync(file, text);
  return file;
}

// Monitoring Plugins Development Guidelines, "Performance data": 'label'=value[UOM];[warn];[crit];[min];[max]
// where warn and crit are ranges ([@][start:][end], ~ for -infinity).
const NUM = '-?[0-9]+(?:\\.[0-9]+)?';
const RANGE = `@?(?:(?:~|${NUM})?:)?(?:${NUM})?`;
const PERF_ITEM = new RegExp(
  `^'[^'=]+'=${NUM}(?:%|s|ms|us|B|KB|MB|TB|c)?(?:;(?:${RANGE})?(?:;(?:${RANGE})?(?:;(?:${NUM})?(?:;(?:${NUM})?)?)?)?)?$`,
);

function parsePlugin(stdout: string): { status: string; summary: string; perf: string[]; long: string[] } {
  const [first, ...long] = stdout.trimEnd().split('\n');
  const m = /^PMTA-ACCT (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*?)(?: \| (.*))?$/.exec(first);
  if (m === null) throw new Error(`not a plugin status line: ${first}`);
  return { status: m[1], summary: m[2], perf: m[3] === undefined ? [] : m[3].split(' '), long };
}

describe('check: exit codes, status line and performance data (built CLI)', () => {
  it('is OK (0) when every verdict is', () => {
    const r = runCli(['check', gmailHour(10)]);
    expect(r.code).toBe(0);
    const p = parsePlugin(r.stdout);
    expect(p.status).toBe('OK');
    expect(p.summary).toBe('3 verdicts OK');
    expect(p.perf).toEqual([
      "'gmail_deferral'=1%;3;5;0;100",
      "'total_hard_bounce'=0%;1;2;0;100",
      "'total_delivered'=990;;1:;0",
      "'bad_records'=0;;;0",
    ]);
    expect(p.long).toEqual([
      'OK: 3 verdicts',
      'input: 1 file, 1,000 records, 0 bad; windows ending 2026-11-28 11:20:10 UTC, built-in rules',
    ]);
  });

  it("is WARNING (1) above the warning threshold, with the issue's perfdata form", () => {
    const r = runCli(['check', gmailHour(42)]);
    expect(r.code).toBe(1);
    const p = parsePlugin(r.stdout);
    expect(p.status).toBe('WARNING');
    expect(p.summary).toBe('gmail deferral 4.2% (42 of 1,000) over the last 1h > 3%');
    expect(p.perf[0]).toBe("'gmail_deferral'=4.2%;3;5;0;100");
    expect(p.long[0]).toBe('OK: 2 more verdicts');
  });

  it('is CRITICAL (2) above the critical threshold, the worst verdict first', () => {
    const r = runCli([
      'check',
      '-v',
      gmailHour(100, rows(20, 'b', at(11, 30), { rcpt: 'c@gmail.com', ip: '203.0.113.10', bounceCat: 'bad-mailbox' })),
    ]);
    expect(r.code).toBe(2);
    const p = parsePlugin(r.stdout);
    expect(p.status).toBe('CRITICAL');
    expect(p.summary).toBe('gmail deferral 9.8% (100 of 1,020) over the last 1h > 5% (+1 more)');
    expect(p.long.slice(0, 3)).toEqual([
      'CRIT: hard bounce 2.17% (20 of 920) over the last 24h > 2%',
      'OK: 900 delivered over the last 30m',
      'input: 1 file, 1,020 records, 0 bad; windows ending 2026-11-28 11:30:20 UTC, built-in rules',
    ]);
  });

  it('writes performance data in the plugin format only', () => {
    for (const file of [gmailHour(0), gmailHour(42), gmailHour(100)]) {
      const p = parsePlugin(runCli(['check', '--pmta-config', 'samples/pmta/config', file]).stdout);
      expect(p.perf.length).toBeGreaterThan(2);
      for (const item of p.perf) expect(item).toMatch(PERF_ITEM);
      expect(new Set(p.perf.map((i) => i.slice(0, i.indexOf('=')))).size).toBe(p.perf.length);
    }
  });

  it('judges windows ending at --at, and silence when nothing arrives any more', () => {
    const file = gmailHour(42);
    const later = runCli(['check', '--at', '2026-11-28 12:30', file]);
    expect(later.code).toBe(2);
    // says since when: a PowerMTA stopped an hour ago is not one stopped last week
    expect(parsePlugin(later.stdout).summary).toBe('no records at all for 30m; last record 2026-11-28 11:20:41 UTC, 1h09m ago');
    const json = JSON.parse(runCli(['check', '--at', '2026-11-28 12:30', '--format', 'json', file]).stdout) as {
      lastRecord: unknown;
      verdicts: { message: string }[];
    };
    expect(json.lastRecord).toEqual({ at: '2026-11-28T11:20:41Z', age: 4159 });
    expect(json.verdicts[0].message).toBe('no records at all for 30m; last record 2026-11-28 11:20:41 UTC, 1h09m ago');
    // windows ending before the input's records: the last record before them is not known, none is named
    const early = runCli(['check', '--at', '2026-11-28 10:00', '--format', 'json', file]);
    expect(JSON.parse(early.stdout)).toMatchObject({ status: 'CRITICAL', lastRecord: null });
    expect(early.stdout).toContain('"message": "no records at all for 30m"');
    const before = runCli(['check', '--at', '2026-11-28T11:19:00Z', file]);
    expect(before.code).toBe(0); // the deferrals start at 11:20
    expect(parsePlugin(before.stdout).perf[0]).toBe("'gmail_deferral'=0%;3;5;0;100");
  });

  it('answers --format json with the same verdicts', () => {
    const r = runCli(['check', '--format', 'json', gmailHour(42)]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      version: number;
      status: string;
      exitCode: number;
      end: string;
      input: { records: number };
      verdicts: { level: string; rule: string; value: number; message: string }[];
    };
    expect(j).toMatchObject({ version: 1, status: 'WARNING', exitCode: 1, end: '2026-11-28T11:20:42Z', input: { records: 1000 } });
    expect(j.verdicts[0]).toMatchObject({
      level: 'WARN',
      rule: 'deferral',
      value: 0.042,
      message: 'gmail deferral 4.2% (42 of 1,000) over the last 1h > 3%',
    });
  });

  it('warns on stderr of a rule scoped to an ISP id nothing maps to, with the status it would have had', () => {
    const rules = rulesFile('rules:\n  - metric: deferral\n    scope: isp=gmial\n    warn: 1%\n    crit: 2%\n');
    const r = runCli(['check', '--rules', rules, gmailHour(42)]);
    expect(r.code).toBe(1); // the built-in gmail deferral rule: WARNING, as without the typo's rule
    expect(r.stderr).toBe(
      `pmta-acct: ${rules}:3:12: scope isp=gmial: not an ISP id of the built-in ISP map or the config's isp map (only a rollup queue gmial.rollup or an MX host could give it): did you mean gmail?\n`,
    );
    const report = runCli(['report', '--rules', rules, '--format', 'json', gmailHour(0)]);
    expect(report.code).toBe(0);
    expect(report.stderr).toContain('did you mean gmail?');
  });

  it('is UNKNOWN (3) with a precise message for a bad rules file, on stdout', () => {
    const rules = rulesFile('rules:\n  - name: deferral\n    warn: 3 percent\n');
    const r = runCli(['check', '--rules', rules, gmailHour(0)]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(`PMTA-ACCT UNKNOWN - ${rules}:3:11: rules[0].warn: expected a percentage from 0% to 100%, such as 3% or 0.1%\n`);
    const env = runCli(['check', gmailHour(0)], { env: { PMTA_ACCT_RULES: rules } });
    expect(env.code).toBe(3);
    const json = runCli(['check', '--format', 'json', '--rules', rules, gmailHour(0)]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'UNKNOWN',
      exitCode: 3,
      error: expect.stringContaining('rules[0].warn') as unknown,
    });
  });

  it('is UNKNOWN (3) for unreadable input, no input, nothing to judge, a bad PowerMTA config or bad arguments', () => {
    const missing = runCli(['check', '/nonexistent/acct.csv']);
    expect([missing.code, missing.stdout]).toEqual([
      3,
      expect.stringMatching(/^PMTA-ACCT UNKNOWN - .*\/nonexistent\/acct\.csv/) as unknown,
    ]);
    expect(runCli(['check']).stdout).toBe(
      'PMTA-ACCT UNKNOWN - check: name at least one file or directory (or - for standard input), --state DIR or --clickhouse URL\n',
    );
    const empty = runCli(['check', '-'], { input: 'type,timeLogged\n' });
    expect([empty.code, empty.stdout]).toEqual([
      3,
      'PMTA-ACCT UNKNOWN - no record with a time in the input: nothing to judge (give --at to judge silence)\n',
    ]);
    const config = rulesFile('<domain gmail.com>\n  max-msg-rate lots\n</domain>\n');
    expect(runCli(['check', '--pmta-config', config, gmailHour(0)]).stdout).toBe(
      `PMTA-ACCT UNKNOWN - ${config}:2: max-msg-rate: 'lots' is not a rate (use unlimited or N/h, N/15m, N/5s, N/day...)\n`,
    );
    expect(runCli(['check', '--at', 'teatime', gmailHour(0)]).code).toBe(3);
    expect(runCli(['check', '--bogus', gmailHour(0)]).code).toBe(3);
  });

  it('keeps hostile names from the logs from breaking the plugin output', () => {
    const rules = rulesFile(
      'builtIn: false\nrules:\n  - metric: deferral\n    scope: vmta\n    warn: 1%\n    crit: 5%\n    minVolume: 1\n',
    );
    const file = writeAcct(rows(10, 't', at(11), { rcpt: 'x@gmail.com', ip: '203.0.113.1', vmta: "evil|'=x\u001b[2J" }));
    const r = runCli(['check', '--rules', rules, file]);
    expect(r.code).toBe(2);
    const p = parsePlugin(r.stdout);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(p.summary).toBe("vmta evil/'=x\\x1b[2J deferral 100% (10 of 10) over the last 1h > 5%");
    expect(p.perf).toContain("'evil___x__2J_deferral'=100%;1;5;0;100");
    for (const item of p.perf) expect(item).toMatch(PERF_ITEM);
  });

  it('compares sending IPs with the PowerMTA config of the sample day', () => {
    const r = runCli(['check', 'samples/', '--pmta-config', 'samples/pmta/config', '--at', '2026-11-28 08:00']);
    expect(r.code).toBe(2);
    const p = parsePlugin(r.stdout);
    expect(p.summary).toBe('gmail deferral 8.2% (10 of 122) over the last 1h > 5% (+1 more)');
    expect(p.long[0]).toBe('WARN: 203.0.113.42 to microsoft 13/h over the last 1h > max-msg-rate 12/h (vmta ms-03, config:32, config:36)');
    expect(p.long).toContain(
      'INFO: pool pool-gmail to gmail: 103/h over the last 1h of 202/h at max-msg-rate (16 virtual MTAs), room for 99/h more',
    );
    expect(p.perf).toContain("'pool-gmail_gmail_rate'=103;;;0;202");
  });
});
