// `npm test` after the build: the static checks (type-check, then the lint steps, one after
// another) and the tests (vitest) run at the same time, since neither reads what the other
// writes. On two cores this is worth it because the tests spend much of their time waiting on
// the CLI, servers and files, which leaves a core to the checks (measured in docs/architecture.md,
// "The test suite's wall time"). vitest writes as it goes; each check's output is printed whole
// when it ends, under its name, so the two never interleave line by line. The exit status is
// the first failure's (1 if a step was killed), 0 when all pass; every step runs to its end.
//
//   node scripts/test.mjs            all of it (npm test runs the build first)
//   node scripts/test.mjs ARGS...    ARGS go to vitest (a file, -t NAME): the checks still run
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHECKS = ['typecheck', 'format:check', 'lint:deps', 'lint:unused', 'lint:es'];

/** Runs a command; resolves its exit status. `buffer`: hold its output and print it at the end. */
function step(name, command, args, buffer) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: buffer ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const out = [];
    if (buffer) {
      child.stdout.on('data', (b) => out.push(b));
      child.stderr.on('data', (b) => out.push(b));
    }
    child.on('error', (err) => {
      process.stderr.write(`test: ${name} did not start: ${err.message}\n`);
      resolve(1);
    });
    child.on('close', (status, signal) => {
      const code = status ?? 1;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(out).toString('utf8').trim();
      const verdict = code === 0 ? 'ok' : `FAILED (${signal === null ? `exit ${code}` : signal})`;
      process.stdout.write(`\n── ${name}: ${verdict} in ${secs} s${text === '' ? '' : `\n${text}`}\n`);
      resolve(code);
    });
  });
}

async function checks() {
  let first = 0;
  for (const script of CHECKS) {
    const code = await step(`npm run ${script}`, 'npm', ['run', '--silent', script], true);
    if (first === 0) first = code;
  }
  return first;
}

const [tests, checked] = await Promise.all([
  step(
    'vitest',
    process.execPath,
    [fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', ...process.argv.slice(2)],
    false,
  ),
  checks(),
]);
process.exitCode = tests !== 0 ? tests : checked;
