/** tail given a directory instead of the live file: one line naming it, no internal error, no state made. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('tail given a directory', () => {
  it('says it is a directory and what tail follows, exits 3, and makes no state', () => {
    const state = join(mkdtempSync(join(tmpdir(), 'pmta-tail-dir-')), 's');
    const r = runCli(['tail', 'samples/', '--once', '--state', state]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/samples is a directory: tail follows the live accounting file/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(state)).toBe(false);
  });
});
