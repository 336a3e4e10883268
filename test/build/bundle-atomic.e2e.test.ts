/**
 * The build never leaves dist/bin without a whole file (scripts/bundle.mjs): `npx pmta-acct` in a
 * clone runs `prepare`, the build, while other commands run, and a command that found no cli.js
 * failed (exit 3). Here the bundle is built in a copy of the project, again and again, while its
 * files are watched: each one is there, whole, at every look.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const copy = mkdtempSync(join(tmpdir(), 'pmta-bundle-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Runs the bundle step in the copy; resolves its exit status and what it said. */
function bundle(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/bundle.mjs'], { cwd: copy, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (b: Buffer) => (said += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(`exit ${code ?? 'signal'}${said === '' ? '' : `: ${said}`}`));
  });
}

/** What is wrong with dist/bin at this instant: a missing or cut file, or nothing. */
function look(bin: string): string | null {
  for (const name of ['pmta-acct.js', 'worker.js', 'package.json']) if (!existsSync(join(bin, name))) return `${name} missing`;
  let cli: string;
  try {
    cli = readFileSync(join(bin, 'cli.js'), 'utf8');
  } catch (err) {
    return `cli.js: ${String(err)}`;
  }
  return cli.endsWith('\n})\n') ? null : `cli.js cut at ${cli.length} bytes`;
}

describe('the build', () => {
  it('replaces each file of dist/bin whole, never leaving one missing or cut', async () => {
    for (const d of ['src', 'scripts', 'samples']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    // tsc's output, which the bundle step makes executable (npm run build runs tsc first)
    mkdirSync(join(copy, 'dist/src/cli'), { recursive: true });
    writeFileSync(join(copy, 'dist/src/cli/main.js'), '');
    expect(await bundle()).toBe('exit 0');
    const bin = join(copy, 'dist/bin');
    expect(look(bin)).toBeNull();
    const seen: string[] = [];
    let looks = 0;
    let building = true;
    const watching = (async () => {
      while (building) {
        const wrong = look(bin);
        looks += 1;
        if (wrong !== null && !seen.includes(wrong)) seen.push(wrong);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 3; i += 1) expect(await bundle()).toBe('exit 0');
    building = false;
    await watching;
    expect(seen).toEqual([]);
    expect(looks).toBeGreaterThan(10);
    expect(readdirSync(bin).sort()).toEqual(['cli.cache', 'cli.js', 'package.json', 'pmta-acct.js', 'worker.js']);
  });
});
