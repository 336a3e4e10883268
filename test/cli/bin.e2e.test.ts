/**
 * The shipped bin runs the bundle (scripts/bundle.mjs) from its code cache (src/cli/bin.ts): the
 * package's bin names it, it reports the package's version, and loading only the command it runs,
 * from a cache or not, changes nothing a user sees.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe('the bin', () => {
  it('is the bundle the tests run', () => {
    expect(pkg.bin['pmta-acct']).toBe(relative(ROOT, CLI));
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('has a worker entry that holds the engine and none of the CLI', () => {
    const worker = readFileSync(join(ROOT, 'dist/bin/worker.js'), 'utf8');
    const bin = readFileSync(CLI, 'utf8');
    expect(bin).not.toContain('commander');
    expect(bin).not.toContain('runTask');
    expect(worker).toContain('runTask');
    expect(worker).not.toContain('commander');
    expect(worker).not.toContain('chokidar');
  });

  it('exits 3 (UNKNOWN) with one line when its CLI bundle is missing or damaged, not 1 (WARNING)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-bin-'));
    try {
      const bin = join(dir, 'pmta-acct.js');
      writeFileSync(bin, readFileSync(CLI));
      const run = () => spawnSync(process.execPath, [bin, 'report', 'samples/'], { cwd: ROOT, encoding: 'utf8' });
      const missing = run();
      expect(missing.status).toBe(3);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toMatch(/^pmta-acct: cannot start: .*cli\.js: Error: ENOENT.*; reinstall pmta-acct \(npm install\)\n$/);
      writeFileSync(join(dir, 'cli.js'), readFileSync(join(ROOT, 'dist/bin/cli.js'), 'utf8').slice(0, 5000));
      const damaged = run();
      expect(damaged.status).toBe(3);
      expect(damaged.stderr).toMatch(/^pmta-acct: cannot start: .*cli\.js: SyntaxError: /);
      expect(damaged.stderr.split('\n')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the package version for --version and -V', () => {
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('lists every command in --help and in its usage error', () => {
    for (const args of [['--help'], ['help'], []]) {
      const r = runCli(args);
      for (const c of ['report', 'check', 'query', 'tail'])
        expect(r.stdout + r.stderr, args.join(' ')).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    }
  });

  it('answers a misspelt command with exit 3 and a suggestion', () => {
    const r = runCli(['reprot', 'x.csv']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown command 'reprot'");
    expect(r.stderr).toContain('report');
  });

  it('shows a command help with only that command loaded', () => {
    const r = runCli(['query', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pmta-acct query');
    expect(r.stdout).toContain('--where');
  });

  describe('the end of a run', () => {
    /** The command's stdout through a pipe whose reader starts late, and its exit status. */
    function throughSlowReader(args: readonly string[]): { stdout: string; status: string } {
      const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('sh', ['-c', `{ ${quoted}; echo "status $?" >&2; } | { sleep 0.5; cat; }`], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
        maxBuffer: 256 << 20,
      });
      return { stdout: r.stdout.toString('utf8'), status: r.stderr.toString('utf8').trim() };
    }

    it('writes all its output to a pipe that is read late before it ends (the end at once waits for it)', () => {
      // query's groups are one write of a megabyte; --select writes through process.stdout, which
      // queues what the pipe cannot take yet (std-streams.test.ts holds the end to wait for it)
      for (const shape of [
        ['--group-by', 'rcpt', '--format', 'json'],
        ['--select', '*', '--format', 'csv'],
      ]) {
        const args = ['query', ...shape, 'samples/acct-2026-11-28-0001.csv'];
        const direct = runCli(args);
        expect(direct.code).toBe(0);
        expect(direct.stdout.length).toBeGreaterThan(512 << 10);
        const late = throughSlowReader(args);
        expect(late.status).toBe('status 0');
        expect(late.stdout).toBe(direct.stdout);
      }
    });

    it('ends with the status of the command, its report whole, through a pipe read late', () => {
      const args = ['report', '--format', 'json', 'samples/acct-2026-11-28-0002.csv'];
      const direct = runCli(args);
      expect(direct.code).toBeGreaterThan(0);
      const late = throughSlowReader(args);
      expect(late.status).toBe(`status ${direct.code}`);
      expect(late.stdout).toBe(direct.stdout);
    });
  });

  describe('code cache', () => {
    const report = ['report', '--exit-zero', 'samples/acct-2026-11-28-0002.csv', '--format', 'json'];
    const debug = { PMTA_ACCT_DEBUG_CODE_CACHE: '1' };

    it('holds a CLI with no import(): a script run from a code cache has no loader for it', () => {
      expect(readFileSync(join(ROOT, 'dist/bin/cli.js'), 'utf8')).not.toMatch(/\bimport\(/);
    });

    it('is made for a CLI stored in its CommonJS wrapper, compiled as the file is (no second copy of its text)', () => {
      const cli = readFileSync(join(ROOT, 'dist/bin/cli.js'), 'utf8');
      // the wrapper on the first line (line numbers stay the bundle's), the shebang a comment
      expect(cli.startsWith('(function (exports, require, module, __filename, __dirname) {///usr/bin/env node\n')).toBe(true);
      expect(cli.trimEnd().endsWith('})')).toBe(true);
    });

    it('is made by the build and taken by a start', () => {
      const r = runCli(['query', '--help'], { env: debug });
      expect(r.stdout).toContain('Usage: pmta-acct query');
      expect(r.stderr).toBe('code cache: taken\n');
    });

    it('is not even read for --version, which the bin answers alone', () => {
      for (const flag of ['--version', '-V']) {
        const r = runCli([flag], { env: debug });
        expect(r.stdout).toBe(`${pkg.version}\n`);
        expect(r.stderr).toBe('');
      }
      // Anything more goes to the CLI, as before.
      expect(runCli(['--version', '--help'], { env: debug }).stderr).toBe('code cache: taken\n');
    });

    it('changes no output, and a missing or refused cache only costs time', () => {
      const dir = mkdtempSync(join(tmpdir(), 'pmta-cache-'));
      try {
        const junk = join(dir, 'junk.cache');
        writeFileSync(junk, Buffer.alloc(4096, 7));
        const taken = runCli(report, { env: debug });
        const refused = runCli(report, { env: { ...debug, PMTA_ACCT_CODE_CACHE: junk } });
        const none = runCli(report, { env: { ...debug, PMTA_ACCT_CODE_CACHE: join(dir, 'none.cache') } });
        expect(taken.stderr).toBe('code cache: taken\n');
        expect(refused.stderr).toBe('code cache: refused\n');
        expect(none.stderr).toBe('code cache: none\n');
        expect(JSON.parse(taken.stdout)).toHaveProperty('groups');
        for (const r of [refused, none]) {
          expect(r.code).toBe(taken.code);
          expect(r.stdout).toBe(taken.stdout);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports an error with the same message and exit status through the cache', () => {
      const missing = runCli(['report', 'no-such-file.csv'], { env: debug });
      const plain = runCli(['report', 'no-such-file.csv'], { env: { ...debug, PMTA_ACCT_CODE_CACHE: '/nonexistent' } });
      expect(missing.code).toBe(3);
      expect(missing.stderr.replace('code cache: taken\n', '')).toBe(plain.stderr.replace('code cache: none\n', ''));
    });
  });
});
