/**
 * PowerMTA's pipe target as the tests play it: `tail --stdin` started as a child with a pipe on
 * its standard input, fed rows the AcctWriter made (so the expected counts come from its log, not
 * from pmta-acct's parser), the header first as PowerMTA sends it each time it starts the program.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcctWriter, HEADER } from './acct-writer.js';
import { CLI, ROOT } from './cli.js';
import { exited } from './tail.js';

/** `tail --stdin` with fast polling and commits; stdin is a pipe the test writes. */
export function startPipe(
  state: string,
  extra: readonly string[] = [],
  env: Record<string, string> = {},
): { child: ChildProcess; done: ReturnType<typeof exited> } {
  const child = spawn(process.execPath, [CLI, 'tail', '--stdin', '--state', state, '--poll', '30', '--commit-interval', '50', ...extra], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A child killed by the test closes the pipe under a pending write: that is the point, not an error.
  child.stdin?.on('error', () => undefined);
  return { child, done: exited(child) };
}

/** Write to the child's stdin and wait until the pipe took it. */
export function feed(child: ChildProcess, text: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (child.stdin === null || child.stdin.destroyed) {
      resolve();
      return;
    }
    child.stdin.write(text, () => resolve());
  });
}

/** Rows made by the AcctWriter (its log says what each one is), as the lines PowerMTA would pipe. */
export function pipeRows(dir: string, n: number, seed: number): { writer: AcctWriter; lines: string[] } {
  mkdirSync(dir, { recursive: true });
  const writer = new AcctWriter(dir, seed);
  writer.rows(n);
  writer.close();
  const text = readFileSync(join(dir, 'acct.csv'), 'utf8');
  const lines = text
    .split('\r\n')
    .slice(1, -1)
    .map((l) => `${l}\r\n`);
  if (lines.length !== n) throw new Error(`expected ${n} rows, got ${lines.length}`);
  return { writer, lines };
}

export const HEADER_LINE = `${HEADER}\r\n`;
