/**
 * The standard streams made only when used (src/cli/std-streams.ts): a report whose stdout is a pipe
 * or a file never makes process.stdout (nor loads net for it), and a stream made later by anyone
 * still gets what the CLI attaches to it. Run in a child process: vitest's own process made its
 * streams long ago.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const MODULE = pathToFileURL(join(ROOT, 'dist/src/cli/std-streams.js')).href;

/** Runs `body` in a fresh Node whose stdout is a pipe, with the module as `s`; returns what it put in `out`. */
function inChild(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-std-'));
  try {
    const report = join(dir, 'report.txt');
    const script = `import * as s from ${JSON.stringify(MODULE)}; import { writeFileSync } from 'node:fs'; const out = []; ${body}; writeFileSync(${JSON.stringify(report)}, out.join('\\n'));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return readFileSync(report, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the standard streams', () => {
  it('says a pipe is no terminal without making process.stdout or loading net', () => {
    const out = inChild(
      `let made = 0; s.watchStream('stdout', () => made++);
       out.push(String(s.stdoutIsTerminal()), String(made), String(process.moduleLoadList.includes('NativeModule net')), String(s.unwrittenOutput()))`,
    );
    expect(out).toBe('false\n0\nfalse\nfalse');
  });

  it('hands the stream to the watcher once, whoever makes it, and then sees what it holds', () => {
    const out = inChild(
      `const seen = []; s.watchStream('stdout', (st) => seen.push(st));
       process.stdout.write('x'.repeat(1 << 20));
       const again = process.stdout;
       out.push(String(seen.length), String(seen[0] === again), String(s.unwrittenOutput()))`,
    );
    // nobody reads the pipe: most of the megabyte is still queued
    expect(out).toBe('1\ntrue\ntrue');
  });
});
