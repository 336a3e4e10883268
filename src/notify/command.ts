/**
 * `--on-change CMD`: run CMD with /bin/sh, the JSON body on its standard input and the main
 * fields in its environment (PMTA_ACCT_LEVEL, PMTA_ACCT_PREVIOUS, PMTA_ACCT_RULE,
 * PMTA_ACCT_SCOPE, PMTA_ACCT_MESSAGE, and PMTA_ACCT_LINK with --alert-link). Values from the logs (a vmta or pool name) can hold any
 * character: the command must quote them ("$PMTA_ACCT_MESSAGE"). Exit 0 is delivered; anything
 * else, or running past the timeout, is retried.
 */
import { spawn } from 'node:child_process';
import type { Outcome } from './retry.js';

const KEEP_STDERR = 400;

export function runCommand(command: string, body: string, env: Readonly<Record<string, string>>, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout stops what the shell started too (a `sleep` would
    // otherwise keep stderr open, and this promise pending, after the shell is gone).
    const child = spawn(command, { shell: true, detached: true, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-KEEP_STDERR);
    });
    // A command that does not read its input closes the pipe early: not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, retry: true, reason: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ ok: true });
        return;
      }
      const why = timedOut ? `timed out after ${timeoutMs} ms` : signal !== null ? `killed by ${signal}` : `exit status ${code}`;
      const tail = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').pop()}`;
      resolve({ ok: false, retry: true, reason: `${why}${tail}` });
    });
  });
}
