/**
 * The CLI's output on the samples and the test fixtures, pinned: scripts/golden.mjs runs the
 * battery of scripts/golden-cases.mjs and compares it with test/golden/cases/. A change of output
 * that is meant is recorded with `npm run golden -- --update` (and reviewed in the diff).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('golden outputs', () => {
  it('every case writes what test/golden/cases holds', () => {
    const r = spawnSync(process.execPath, ['scripts/golden.mjs'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^all \d+ cases equal their goldens/m);
    expect(r.status).toBe(0);
  }, 600_000);
});
