/**
 * The shipped bin is the bundle (scripts/bundle.mjs): the package's bin names it, it reports the
 * package's version, and loading only the command it runs changes nothing a user sees.
 */
import { readFileSync } from 'node:fs';
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
    expect(worker).toContain('runTask');
    expect(worker).not.toContain('commander');
    expect(worker).not.toContain('chokidar');
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
      for (const c of ['report', 'check', 'query', 'tail']) expect(r.stdout + r.stderr, args.join(' ')).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
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
});
