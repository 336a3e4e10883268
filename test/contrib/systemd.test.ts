/**
 * The systemd unit of `tail` (contrib/systemd): systemd-analyze verifies it (Debian's `systemd`
 * package; it runs without systemd as PID 1, against a root directory of our own that holds the
 * unit, a stand-in /usr/bin/pmta-acct and copies of the system's unit files), its hardening stays at
 * systemd-analyze security's "OK" level, it writes only to its state, and the command line it runs,
 * with the settings of pmta-acct.default, is one the CLI takes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcctWriter } from '../helpers/acct-writer.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { scratchDirs } from '../helpers/session.js';
import { counted } from '../helpers/tail.js';

const scratch = scratchDirs('pmta-systemd-');
const DIR = join(ROOT, 'contrib', 'systemd');
const UNIT = join(DIR, 'pmta-acct-tail.service');
const SHIP_UNIT = join(DIR, 'pmta-acct-ship.service');
const LOAD_UNIT = join(DIR, 'pmta-acct-load.service');
const LOAD_TIMER = join(DIR, 'pmta-acct-load.timer');

function analyze(args: readonly string[]): { code: number; out: string; err: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`systemd-analyze: ${r.error.message} (Debian: apt-get install systemd; .ci/run does)`);
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** key → values of a unit file (keys may repeat), comments and section names left out. */
function directives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m !== null) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

/** Variables of Environment= lines and of an environment file (shell-like KEY=value, quotes removed). */
function environment(lines: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim().replace(/^"(.*)"$/, '$1');
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m !== null) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

describe('contrib/systemd', () => {
  it('the README shows the unit and its settings file as they are', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const f of ['pmta-acct-tail.service', 'pmta-acct-ship.service', 'pmta-acct-load.service', 'pmta-acct-load.timer', 'pmta-acct.default']) expect(readme, f).toContain(readFileSync(join(DIR, f), 'utf8'));
  });

  it('systemd-analyze verify finds nothing to say', () => {
    const root = scratch();
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    mkdirSync(join(root, 'usr', 'lib', 'systemd', 'system'), { recursive: true });
    mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
    // the system's units (multi-user.target, network-online.target...): the files, not the alias links,
    // which would resolve out of the root
    for (const e of readdirSync('/usr/lib/systemd/system', { withFileTypes: true })) {
      if (e.isFile()) copyFileSync(join('/usr/lib/systemd/system', e.name), join(root, 'usr', 'lib', 'systemd', 'system', e.name));
    }
    writeFileSync(join(root, 'usr', 'bin', 'pmta-acct'), '#!/bin/sh\n');
    chmodSync(join(root, 'usr', 'bin', 'pmta-acct'), 0o755);
    copyFileSync(UNIT, join(root, 'etc', 'systemd', 'system', 'pmta-acct-tail.service'));
    copyFileSync(SHIP_UNIT, join(root, 'etc', 'systemd', 'system', 'pmta-acct-ship.service'));
    copyFileSync(LOAD_UNIT, join(root, 'etc', 'systemd', 'system', 'pmta-acct-load.service'));
    copyFileSync(LOAD_TIMER, join(root, 'etc', 'systemd', 'system', 'pmta-acct-load.timer'));
    for (const unit of ['pmta-acct-tail.service', 'pmta-acct-ship.service', 'pmta-acct-load.service', 'pmta-acct-load.timer']) {
      const r = analyze(['verify', `--root=${root}`, `/etc/systemd/system/${unit}`]);
      expect(`${r.out}${r.err}`, unit).toBe('');
      expect(r.code, unit).toBe(0);
    }
    // the same unit with a mistake is not quiet (the check can fail)
    writeFileSync(join(root, 'etc', 'systemd', 'system', 'pmta-acct-tail.service'), readFileSync(UNIT, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=strict\nProtectSystm=yes'));
    expect(analyze(['verify', `--root=${root}`, '/etc/systemd/system/pmta-acct-tail.service']).err).toContain("Unknown key 'ProtectSystm'");
  });

  it('is hardened: its own user, a read-only system but for the state, no privileges, restarted on failure', () => {
    const d = directives(readFileSync(UNIT, 'utf8'));
    const one = (k: string) => d.get(k)?.[0];
    expect(one('User')).toBe('pmta-acct');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('Restart')).toBe('on-failure');
    expect(d.get('ReadWritePaths')).toEqual(['/var/lib/pmta-acct']);
    expect(one('StateDirectory')).toBe('pmta-acct');
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/pmta-acct tail --state \/var\/lib\/pmta-acct /);
    // systemd's own measure: exposure at most 2.0 ("OK"); --threshold is that times ten
    const r = analyze(['security', '--offline=true', '--threshold=20', UNIT]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Overall exposure level for pmta-acct-tail\.service: [01]\.\d OK/);
    expect(readFileSync(join(DIR, 'pmta-acct.sysusers'), 'utf8')).toMatch(/^u pmta-acct - ".*" \/var\/lib\/pmta-acct \/usr\/sbin\/nologin$/m);
  });

  it('runs ship beside tail: the same user, state and hardening, and a command line the CLI takes', () => {
    const ship = directives(readFileSync(SHIP_UNIT, 'utf8'));
    expectRunsAsTail(ship);
    expect(one(ship, 'After')).toContain('pmta-acct-tail.service');
    const r = analyze(['security', '--offline=true', '--threshold=20', SHIP_UNIT]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Overall exposure level for pmta-acct-ship\.service: [01]\.\d OK/);
    // The ExecStart words, with the example settings of pmta-acct.default uncommented, reach ship:
    // it fails on the store (nothing listens on port 1), not on its options.
    const defaults = readFileSync(join(DIR, 'pmta-acct.default'), 'utf8').split('\n').map((l) => l.replace(/^#(PMTA_ACCT_(?:CLICKHOUSE|SHIP_OPTIONS)=)/, '$1'));
    const env = environment(defaults);
    expect(env.PMTA_ACCT_CLICKHOUSE).toMatch(/^http:\/\//);
    const state = scratch();
    const words = one(ship, 'ExecStart').split(' ')
      .flatMap((w) => (w.startsWith('$') ? (env[w.slice(1)] ?? '').split(/\s+/).filter((x) => x !== '') : [w]))
      .map((w) => (w === '/var/lib/pmta-acct' ? state : w));
    expect(words.slice(0, 2)).toEqual(['/usr/bin/pmta-acct', 'ship']);
    expect(words).toContain('--host');
    const run = spawnSync(process.execPath, [CLI, ...words.slice(1), '--once'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PMTA_ACCT_CLICKHOUSE: 'http://127.0.0.1:1/pmta' } });
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ClickHouse http://127.0.0.1:1/pmta');
  });

  it('loads records by a timer (opt-in): the same user, state and hardening, never overlapping, a command line the CLI takes', () => {
    const load = directives(readFileSync(LOAD_UNIT, 'utf8'));
    expectRunsAsTail(load);
    expect(one(load, 'Type')).toBe('oneshot');
    const timer = directives(readFileSync(LOAD_TIMER, 'utf8'));
    // a minute after the previous run ended: a slow run is never started twice
    expect(one(timer, 'OnUnitInactiveSec')).toBe('1min');
    expect(timer.get('OnCalendar')).toBeUndefined();
    const r = analyze(['security', '--offline=true', '--threshold=20', LOAD_UNIT]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Overall exposure level for pmta-acct-load\.service: [01]\.\d OK/);
    // The ExecStart words, with the settings of pmta-acct.default uncommented, reach load: it
    // fails on the store (nothing listens on port 1), not on its options or the files.
    const defaults = readFileSync(join(DIR, 'pmta-acct.default'), 'utf8').split('\n').map((l) => l.replace(/^#(PMTA_ACCT_(?:CLICKHOUSE|LOAD_FILES|LOAD_OPTIONS)=)/, '$1'));
    const env = { ...environment(load.get('Environment') ?? []), ...environment(defaults) };
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 22);
    w.rows(10);
    const words = one(load, 'ExecStart').split(' ')
      .flatMap((x) => (x.startsWith('$') ? (env[x.slice(1)] ?? '').split(/\s+/).filter((y) => y !== '') : [x]))
      .map((x) => (x === '/var/log/pmta/acct*.csv' ? join(root, 'logs', '*.csv') : x.replace('/var/lib/pmta-acct', root)));
    expect(words.slice(0, 3)).toEqual(['/usr/bin/pmta-acct', 'load', '--live']);
    expect(words).toContain('--host');
    const run = spawnSync(process.execPath, [CLI, ...words.slice(1)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PMTA_ACCT_CLICKHOUSE: 'http://127.0.0.1:1/pmta' } });
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ClickHouse http://127.0.0.1:1/pmta');
  });

  it('runs a command line the CLI takes, with the settings of pmta-acct.default', async () => {
    const root = scratch();
    const w = new AcctWriter(join(root, 'logs'), 21);
    w.rows(30);
    const d = directives(readFileSync(UNIT, 'utf8'));
    const env = { ...environment(d.get('Environment') ?? []), ...environment(readFileSync(join(DIR, 'pmta-acct.default'), 'utf8').split('\n')) };
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['PMTA_ACCT_LIVE', 'PMTA_ACCT_OPTIONS']));
    // systemd's expansion: $VAR splits into words; then this machine's paths for the system's
    const state = join(root, 'state');
    const pmtaConfig = join(root, 'config');
    writeFileSync(pmtaConfig, '<virtual-mta mta1>\n  smtp-source-host 198.51.100.1 mta1.example\n</virtual-mta>\n');
    const words = (one(d, 'ExecStart'))
      .split(' ')
      .flatMap((w2) => (w2.startsWith('$') ? (env[w2.slice(1)] ?? '').split(/\s+/).filter((x) => x !== '') : [w2]))
      .map((w2) => (w2 === '/var/lib/pmta-acct' ? state : w2 === '/var/log/pmta/acct.csv' ? w.live : w2 === '/etc/pmta/config' ? pmtaConfig : w2 === '127.0.0.1:9469' ? '127.0.0.1:0' : w2));
    expect(words[0]).toBe('/usr/bin/pmta-acct');
    const r = spawnSync(process.execPath, [CLI, ...words.slice(1), '--from', 'beginning', '--once'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PMTA_ACCT_RULES: '', PMTA_ACCT_CONFIG: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(counted(state)).toEqual(w.expected());
  });
});

/** The directives a unit beside tail's must share with it: the same user, state and hardening. */
const AS_TAIL = ['User', 'Group', 'StateDirectory', 'ReadWritePaths', 'ProtectSystem', 'NoNewPrivileges', 'CapabilityBoundingSet', 'SystemCallFilter', 'RestrictAddressFamilies', 'EnvironmentFile'];

function expectRunsAsTail(unit: Map<string, string[]>): void {
  const tail = directives(readFileSync(UNIT, 'utf8'));
  for (const k of AS_TAIL) expect(unit.get(k), k).toEqual(tail.get(k));
}

function one(d: Map<string, string[]>, key: string): string {
  const v = d.get(key)?.[0];
  if (v === undefined) throw new Error(`no ${key}=`);
  return v;
}
