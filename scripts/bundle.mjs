// Bundles the CLI into dist/bin/: `cli.js`, run by the package's bin `pmta-acct.js` from a V8 code
// cache (`cli.cache`, src/cli/bin.ts), and the worker thread's entry `worker.js`, which holds the
// engine only; all CommonJS (dist/bin/package.json says so). tsc still type-checks and emits dist/src (the
// benchmark and bench/parse-ab.ts import it). Measured in bench/RESULTS.md (start-up):
// - one file, not 140 modules: Node's ES module loader pays about a millisecond for each module
//   it resolves, reads and links;
// - CommonJS, not ES modules: importing a Node built-in from an ES module builds its whole export
//   facade (for node:fs that loads the streams and fs/promises), and every import of a module
//   runs at start. Bundled CommonJS requires a built-in where a module is first used, so a worker
//   thread compiles a third of the Node internals it did, and src/cli/main.ts loads only the
//   command it runs.
//
// Kept out of the bundle, loaded by Node from node_modules as before (they stay dependencies):
// better-sqlite3 (a native addon); the CommonJS packages src/util/lazy-require.ts loads on first
// use (prom-client, cli-table3, @clickhouse/client); yaml, required only when a config or rules file is read.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'prom-client', 'cli-table3', 'yaml', '@clickhouse/client'],
  // The sources are ES modules: import.meta.url (lazy requires, the version, the worker's path)
  // becomes this file's URL.
  define: { 'import.meta.url': '__pmtaModuleUrl' },
  banner: { js: "const __pmtaModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less text to read and parse at start; names are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// commander requires node:child_process where it is loaded, for a kind of subcommand pmta-acct has
// none of (an executable per subcommand, spawned); with it come net and dgram: about 2 ms and 45
// pages of every command's start (bench/RESULTS.md, ninth pass). Here it is required where it would
// be used. A commander whose text is not the one expected is bundled as it is (the build says so).
const CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lateChildProcess = {
  name: 'commander-late-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(CHILD_PROCESS)) {
        process.stderr.write(`bundle: ${args.path} no longer requires node:child_process as expected; left as it is\n`);
        return { contents: text, loader: 'js' };
      }
      const late = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(CHILD_PROCESS, late), loader: 'js' };
    });
  },
};

// Nothing in dist/bin is ever missing, half-written or without its code cache while the build runs:
// the new files are made in a staging directory beside them, the code cache is trained there, and
// then each file is renamed over the old one (a rename is atomic), so a command started during a
// build runs the old files or the new ones. That happens: `npx pmta-acct` in a clone installs the
// clone into npx's cache, which runs `prepare` (this build) while other commands may run; the build
// used to empty dist/bin first, and a test run beside the quick start's npx found no cli.js (exit 3).
// Files of an older build that this one does not make are removed at the end.
mkdirSync(outdir, { recursive: true });
// a staging directory left by a build that was killed
for (const name of readdirSync(outdir)) {
  const pid = /^\.staging-(\d+)$/.exec(name)?.[1];
  if (pid !== undefined && !alive(Number(pid))) rmSync(`${outdir}/${name}`, { recursive: true, force: true });
}
const staging = `${outdir}/.staging-${process.pid}`;
mkdirSync(staging);
const made = [];
function stage(name, contents, mode = 0o644) {
  writeFileSync(`${staging}/${name}`, contents, { mode });
  chmodSync(`${staging}/${name}`, mode);
  made.push(name);
}
/** One entry built in memory: its file's text. */
async function bundle(name, entry, plugins = []) {
  const out = await build({ ...common, entryPoints: { [name]: entry }, plugins, write: false });
  const files = out.outputFiles.filter((f) => f.path.endsWith(`/${name}.js`));
  if (files.length !== 1) throw new Error(`bundle: esbuild made ${out.outputFiles.length} files for ${entry}`);
  return files[0].text;
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
// Three builds, so that the worker's file holds nothing of the CLI, and the bin (src/cli/bin.ts)
// nothing but the loading of the CLI from its code cache.
const cliText = await bundle('cli', 'src/cli/main.ts', [lateChildProcess]);
const workerText = await bundle('worker', 'src/engine/worker.ts');
const binText = await bundle('pmta-acct', 'src/cli/bin.ts');
// The package is "type": "module"; these files are CommonJS under the same .js names, which the
// bin and the worker's path (src/engine/pool.ts) keep whichever build runs.
stage('package.json', '{ "type": "commonjs" }\n');
stage('worker.js', workerText);
// cli.js is written as the function Node's CommonJS loader would wrap it in, on its first line (so
// line numbers stay the bundle's; the shebang becomes a comment): the bin compiles the file's text
// as it is. Wrapped at run time instead, the 600 KB source was a second string, and V8 flattened
// the two halves into a third before compiling: about 1.3 MB of the old generation, which a small
// report then ended with a mark-compact to free (bench/RESULTS.md, seventh pass).
{
  const body = cliText.startsWith('#!') ? `//${cliText.slice(2)}` : cliText;
  stage('cli.js', `(function (exports, require, module, __filename, __dirname) {${body}\n})\n`, 0o755);
}
stage('pmta-acct.js', binText, 0o755);
// The CLI's code cache (src/cli/bin.ts), from a report over a sample: the functions a report
// compiles are in it. Made here, by the Node that built, every time the bundle is. No cache if the
// run fails: the bin then compiles the CLI from its source.
const trained = spawnSync(
  process.execPath,
  [`${staging}/pmta-acct.js`, 'report', '--exit-zero', `${root}samples/acct-2026-11-28-0001.csv`],
  {
    cwd: root,
    env: { ...process.env, PMTA_ACCT_WRITE_CODE_CACHE: `${staging}/cli.cache`, PMTA_ACCT_RULES: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
if (trained.status === 0) made.push('cli.cache');
else process.stderr.write(`bundle: no code cache (the training report failed: ${trained.stderr})\n`);
// Into place. V8 checks a cache against its source's length only, so a CLI never meets a cache it
// was not made from: the old cache goes before the new CLI comes, and the new cache right after it.
rmSync(`${outdir}/cli.cache`, { force: true });
for (const name of ['package.json', 'worker.js', 'cli.js', 'cli.cache', 'pmta-acct.js']) {
  if (made.includes(name)) renameSync(`${staging}/${name}`, `${outdir}/${name}`);
}
rmSync(staging, { recursive: true, force: true });
for (const name of readdirSync(outdir)) {
  if (!made.includes(name) && !name.startsWith('.')) rmSync(`${outdir}/${name}`, { recursive: true, force: true });
}
// The tsc output is a whole CLI too; npx caches made when it was the bin still point at it.
chmodSync(`${root}dist/src/cli/main.js`, 0o755);
