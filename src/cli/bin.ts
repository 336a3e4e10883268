#!/usr/bin/env node
/**
 * The package's bin (bundled alone to dist/bin/pmta-acct.js): runs the bundled CLI beside it
 * (dist/bin/cli.js) from the V8 code cache the build made for it (cli.cache), so that a command
 * need not parse the 500 KB bundle nor compile, on first call, the functions a report runs: a
 * tenth of the instructions of a report over 10,000 rows, a third of `--version`'s
 * (bench/RESULTS.md). The build makes the cache from a report over a sample (scripts/bundle.mjs).
 *
 * V8 takes a cache only from the same V8 build, under the same flags, for the same source; any
 * other (another Node, NODE_OPTIONS with V8 flags, no cache file) is refused, and the CLI is then
 * compiled from its source as it would be without one: slower to start, nothing else. A script
 * run this way has no loader for `import()` (vm's main-context one is experimental in Node 20 and
 * is lost with a code cache), so the CLI requires what it loads late (util/lazy-require.ts).
 *
 * `--version` (or `-V`) alone is answered here, without the CLI: reading and deserialising the
 * bundle and its cache is most of what that command cost above Node's own start (bench/RESULTS.md).
 * A command that will split a big file between threads starts its first worker here, before the
 * CLI is compiled (engine/prestart.ts).
 *
 * Environment (for the build and the tests, not for users): PMTA_ACCT_CODE_CACHE reads another
 * cache file; PMTA_ACCT_WRITE_CODE_CACHE writes one there at exit, from what this run compiled;
 * PMTA_ACCT_DEBUG_CODE_CACHE=1 says on stderr whether the cache was taken.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { prestartWorker } from '../engine/prestart.js';
import { version } from './version.js';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function run(): void {
  const args = process.argv.slice(2);
  // As commander answers it (main.ts): the version and a line end on stdout, status 0.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  // Before the CLI is compiled: a run that will split a big file gets its worker booting now (prestart.ts).
  prestartWorker(args, `${dirname(CLI)}/worker.js`);
  const requireCli = createRequire(CLI);
  // The build wrote the bundle inside Node's CommonJS wrapper (scripts/bundle.mjs): its text is
  // compiled as it is, one string (no wrapper added here, which made V8 copy the 600 KB again).
  const source = readFileSync(CLI, 'utf8');
  const cachedData = readCache(process.env.PMTA_ACCT_CODE_CACHE ?? `${dirname(CLI)}/cli.cache`);
  const script = new Script(source, {
    filename: CLI,
    cachedData,
  });
  if (process.env.PMTA_ACCT_DEBUG_CODE_CACHE === '1') {
    process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'refused' : 'taken'}\n`);
  }
  const writeTo = process.env.PMTA_ACCT_WRITE_CODE_CACHE;
  if (writeTo !== undefined) {
    process.on('exit', () => {
      // A cache is taken only under the flags it was made with: a small run turned TurboFan off
      // (engine/tiering.ts), and a start, where it is read, has V8's defaults.
      setFlagsFromString('--opt');
      writeFileSync(writeTo, script.createCachedData());
    });
  }
  const wrapper: unknown = script.runInThisContext();
  if (typeof wrapper !== 'function') throw new Error(`${CLI} did not compile to a function`);
  const module = { exports: {} };
  Reflect.apply(wrapper, module.exports, [module.exports, requireCli, module, CLI, dirname(CLI)]);
}

/**
 * The CLI's bundle missing or damaged (an install interrupted, a build running beside the command)
 * throws here, before the CLI's own handling exists: Node would exit 1, which monitoring reads as
 * WARNING. Such a failure is UNKNOWN (3), said in one line with what to do.
 */
try {
  run();
} catch (err) {
  const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.stderr.write(`pmta-acct: cannot start: ${CLI}: ${why.split('\n')[0]}; reinstall pmta-acct (npm install)\n`);
  process.exitCode = 3;
}
