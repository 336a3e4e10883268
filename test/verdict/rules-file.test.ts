import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PmtaAcctError } from '../../src/errors.js';
import { BUILT_IN, BUILT_IN_RULES } from '../../src/verdict/defaults.js';
import { loadRules, parseRules } from '../../src/verdict/rules-file.js';

async function errorOf(text: string, file = 'rules.yaml'): Promise<string> {
  try {
    await parseRules(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PmtaAcctError);
    expect((err as PmtaAcctError).code).toBe('BAD_CONFIG');
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('rules file', () => {
  it("reads the README's example as documented", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Rules file'));
    const yaml = /```yaml\r?\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const set = await parseRules(yaml, 'README.md');
    const byName = new Map(set.rules.map((r) => [r.name, r]));
    expect(set.tz).toBe('Europe/Paris');
    expect(byName.has('capacity')).toBe(false);
    expect(byName.get('deferral')).toMatchObject({ warn: 0.04 });
    expect(byName.get('yahoo-deferral')).toMatchObject({ warn: 0.08, crit: 0.15, window: 3600, hold: 600 });
    expect(byName.get('pool-hard-bounce')).toMatchObject({ crit: 0.025, minVolume: 500, window: 6 * 3600 });
    expect(byName.get('gmail-silence')).toMatchObject({ metric: 'silence' });
  });

  it('keeps the built-in rules when empty or absent', async () => {
    expect(await loadRules(undefined)).toBe(BUILT_IN);
    expect((await parseRules('', 'r.yaml')).rules).toEqual(BUILT_IN_RULES);
  });

  it('changes the fields a built-in rule names, removes one, and adds new ones', async () => {
    const set = await parseRules(
      `
tz: Europe/Paris
minVolume: 500
rules:
  - name: deferral
    warn: 4%
  - name: capacity
    enabled: false
  - metric: deferral
    scope: isp=Yahoo
    window: 2h
    warn: 8
    crit: 15%
  - metric: hard-bounce
    scope: pool
    window: 15m
    crit: 2.5%
    perfdata: false
    for: 10m
  - metric: silence
    scope: isp=gmail
    window: 20m
    level: warn
    hours: "07:00-22:30"
`,
      'r.yaml',
    );
    expect(set.tz).toBe('Europe/Paris');
    expect(set.file).toBe('r.yaml');
    const byName = new Map(set.rules.map((r) => [r.name, r]));
    expect(byName.has('capacity')).toBe(false);
    expect(byName.get('deferral')).toMatchObject({
      metric: 'deferral',
      warn: 0.04,
      crit: 0.05,
      window: 3600,
      minVolume: 100,
      origin: { file: 'r.yaml', line: 5 },
    });
    expect(byName.get('yahoo-deferral')).toMatchObject({
      scope: { dim: 'isp', value: 'yahoo' },
      window: 7200,
      warn: 0.08,
      crit: 0.15,
      minVolume: 500,
    });
    expect(byName.get('pool-hard-bounce')).toMatchObject({
      metric: 'hardBounce',
      scope: { dim: 'pool', value: null },
      window: 900,
      warn: null,
      crit: 0.025,
      perfdata: false,
      hold: 600,
    });
    expect(byName.get('deferral')?.hold).toBe(0);
    expect(byName.get('gmail-silence')).toMatchObject({
      metric: 'silence',
      level: 'WARN',
      window: 1200,
      minVolume: 10,
      hours: { from: 420, to: 1350 },
    });
    // built-ins stay in their place, new rules follow
    expect(set.rules.map((r) => r.name)).toEqual([
      'deferral',
      'hard-bounce',
      'complaint',
      'silence',
      'msg-rate',
      'yahoo-deferral',
      'pool-hard-bounce',
      'gmail-silence',
    ]);
  });

  it('reads JSON too, and builtIn: false keeps only the file rules', async () => {
    const set = await parseRules(
      '{"builtIn": false, "rules": [{"metric": "complaint", "scope": "total", "window": "24h", "warn": "0.1%"}]}',
      'r.json',
    );
    expect(set.rules).toHaveLength(1);
    expect(set.rules[0]).toMatchObject({
      name: 'total-complaint',
      warn: 0.001,
      crit: null,
      window: 86400,
      origin: { file: 'r.json', line: 1 },
    });
  });

  it('gives file, line, column and field for each kind of mistake', async () => {
    expect(await errorOf('rules:\n  - metric: deferral\n    scope: isp\n    colour: red\n')).toBe(
      'rules.yaml:4:5: rules[0].colour: unknown field (expected name, metric, scope, window, warn, crit, minVolume, level, hours, perfdata, for, enabled)',
    );
    expect(await errorOf('rules:\n  - metric: deferal\n')).toBe(
      "rules.yaml:2:13: rules[0].metric: 'deferal' is not a metric (use deferral, bounce, hard-bounce, complaint, silence, msg-rate or capacity)",
    );
    expect(await errorOf('rules:\n  - name: deferral\n    warn: three percent\n')).toBe(
      'rules.yaml:3:11: rules[0].warn: expected a percentage from 0% to 100%, such as 3% or 0.1%',
    );
    expect(await errorOf('rules:\n  - name: deferral\n    warn: 120%\n')).toMatch(/^rules\.yaml:3:11: rules\[0\]\.warn: /);
    expect(await errorOf('rules:\n  - name: deferral\n    window: 90s\n')).toBe(
      'rules.yaml:3:13: rules[0].window: expected a duration in whole minutes from 1m to 7d, such as 15m, 1h or 24h',
    );
    expect(await errorOf('rules:\n  - name: deferral\n    window: 30\n')).toMatch(/^rules\.yaml:3:13: rules\[0\]\.window: /);
    expect(await errorOf('rules:\n  - name: deferral\n    for: soon\n')).toBe(
      'rules.yaml:3:10: rules[0].for: expected a duration from 0 to 1d, such as 90s, 10m or 1h',
    );
    expect(await errorOf('rules:\n  - metric: bounce\n    scope: domain=x\n    warn: 1%\n')).toBe(
      "rules.yaml:3:12: rules[0].scope: 'domain=x' is not a scope: use total, isp, ip, vmta, pool, or one value such as isp=gmail",
    );
    expect(await errorOf('rules:\n  - name: deferral\n    warn: 6%\n')).toBe('rules.yaml:3:11: rules[0].warn: must not be above crit (5%)');
    expect(await errorOf('rules:\n  - name: deferral\n    warn: 6%\n    crit: 4%\n')).toBe(
      'rules.yaml:4:11: rules[0].crit: must not be below warn',
    );
    expect(await errorOf('rules:\n  - metric: bounce\n    scope: total\n')).toBe(
      'rules.yaml:2:5: rules[0]: a rate rule needs warn, crit or both',
    );
    expect(await errorOf('rules:\n  - metric: msg-rate\n    scope: isp\n')).toBe(
      'rules.yaml:3:12: rules[0].scope: msg-rate rules are scoped to ip or ip=VALUE',
    );
    expect(await errorOf('rules:\n  - name: silence\n    warn: 1%\n')).toBe('rules.yaml:3:5: rules[0].warn: not a field of silence rules');
    expect(await errorOf('rules:\n  - name: silence\n    hours: 7-22\n')).toBe(
      "rules.yaml:3:12: rules[0].hours: '7-22' is not a span of hours such as 07:00-22:00",
    );
    expect(await errorOf('rules:\n  - name: deferral\n    metric: complaint\n')).toMatch(
      /^rules\.yaml:3:13: rules\[0\]\.metric: the built-in rule 'deferral' is a deferral rule/,
    );
    expect(await errorOf('rules:\n  - metric: bounce\n    warn: 1%\n  - metric: bounce\n    warn: 2%\n')).toBe(
      "rules.yaml:4:5: rules[1].name: 'total-bounce' is already the name of the rule at line 2",
    );
    expect(await errorOf('rules:\n  - metric: bounce\n    warn: 1%\n    minVolume: -5\n')).toBe(
      'rules.yaml:4:16: rules[0].minVolume: expected a whole number, 0 or more',
    );
    expect(await errorOf('tz: Mars/Olympus\n')).toBe(
      "rules.yaml:1:5: tz: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Paris, or UTC)",
    );
    expect(await errorOf('limits: 3\n')).toBe('rules.yaml:1:1: limits: unknown field (expected builtIn, minVolume, tz, rules)');
    expect(await errorOf('rules: {metric: bounce}\n')).toBe('rules.yaml:1:8: rules: expected a list of rules');
    expect(await errorOf('rules:\n  - metric: [bounce\n')).toMatch(/^rules\.yaml:\d+:\d+: /);
  });

  it('names the file it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-rules-'));
    await expect(loadRules(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read the rules file/);
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'rules: []\n');
    expect((await loadRules(file)).rules).toEqual(BUILT_IN_RULES);
  });
});
