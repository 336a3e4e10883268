/**
 * Standard output on a full disk (/dev/full answers every write with ENOSPC): one line naming
 * standard output and the reason, exit 3, no stack. `tail --format ndjson` writes its lines inside
 * a commit, and its ENOSPC used to be read as the state's disk being full.
 */
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';

function toFullDisk(args: readonly string[]): { code: number; stderr: string } {
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', fd, 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status ?? -1, stderr: r.stderr.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

describe.runIf(existsSync('/dev/full'))('standard output on a full disk', () => {
  it('tail --format ndjson names standard output, not the state', () => {
    const state = join(mkdtempSync(join(tmpdir(), 'pmta-full-')), 's');
    const r = toFullDisk([
      'tail',
      'samples/acct-2026-11-28-0003.csv',
      '--once',
      '--from',
      'beginning',
      '--state',
      state,
      '--format',
      'ndjson',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('pmta-acct: standard output: cannot write (ENOSPC');
    expect(r.stderr).not.toMatch(/the disk holding the state is full|internal error|\n\s+at /);
  });

  it('a help written by commander through the stream: exit 3 (UNKNOWN), one line, not 1 and a stack', () => {
    const r = toFullDisk(['--help']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^pmta-acct: standard output: cannot write \(ENOSPC[^\n]*\n$/);
  });

  it('report and check say the same', () => {
    for (const args of [
      ['report', 'samples/', '--format', 'table'],
      ['report', 'samples/', '--format', 'json'],
      ['check', 'samples/'],
    ]) {
      const r = toFullDisk(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('pmta-acct: standard output: cannot write (ENOSPC');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });
});
