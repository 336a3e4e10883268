// Bundles the CLI into dist/bin/ (the package's bin): `pmta-acct.js`, the worker thread's entry
// `worker.js`, and chunks they share, loaded as each command needs them (src/cli/main.ts loads only
// the command it runs). Node's ES module loader costs about a millisecond per module it resolves,
// reads and links; the tsc output is 140 modules, the bundle a handful (bench/RESULTS.md: start-up).
// tsc still type-checks and emits dist/src (the benchmark and bench/parse-ab.ts import it).
//
// Kept out of the bundle, loaded by Node from node_modules as before (they stay dependencies):
// better-sqlite3 (a native addon); the CommonJS packages src/util/lazy-require.ts loads on first use
// (prom-client, cli-table3); yaml, imported only when a config or rules file is read, whose
// CommonJS build esbuild's interop does not expose as named exports.
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'pmta-acct': 'src/cli/main.ts', worker: 'src/engine/worker.ts' },
  outdir,
  bundle: true,
  // Chunks sit beside the entries: pool.ts finds the worker as `./worker.js` next to itself.
  splitting: true,
  chunkNames: '[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'prom-client', 'cli-table3', 'yaml'],
  // Bundled CommonJS (commander, yaml's deps) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __pmtaRequire } from 'node:module'; const require = __pmtaRequire(import.meta.url);" },
  // Less text to read and parse at start; names are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(`${outdir}/pmta-acct.js`, 0o755);
