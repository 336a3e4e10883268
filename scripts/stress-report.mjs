#!/usr/bin/env node
/**
 * `npm run stress [-- --runs N --rows 1000000 --data DIR]`: looks for a native crash of `report`
 * (issue 19: one exit by SIGABRT, status 134, in a loop of `report --by isp,ip --bucket 1h
 * --format json` on a generated 1 M-row file, with other processes between runs). Not part of
 * `npm test`: it takes minutes and only says something when it is run many times.
 *
 * It runs the report N times, cycling through 1 and 2 workers, chunk sizes from 4 KiB to 4 MiB,
 * byte ranges cut small and large (--min-range), and files of several sizes (one plain file, a
 * directory of rotated files with gzipped ones), with a short-lived busy process (CPU, allocation,
 * a gzip) started between runs and sometimes left running during the next one. Every run must exit
 * 0-2 with JSON whose numbers equal the first run's on the same input (the engine's results do not
 * depend on threads or cuts); any other end (a signal, status 134, no output) is kept in
 * DATA/stress-failures/ with its command and stderr, and the script exits 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/pmta-acct.js');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    rows: { type: 'string', default: '1000000' },
    data: { type: 'string', default: join(root, 'bench/data') },
    seed: { type: 'string', default: '19' },
  },
});
const runs = Number(values.runs);
const rows = Number(values.rows);
const data = values.data;
if (!(runs >= 1) || !(rows >= 1000)) throw new Error('usage: stress-report [--runs N] [--rows N (>= 1000)] [--data DIR]');
const log = (line) => process.stderr.write(`${line}\n`);

/** Generated inputs, kept in --data between runs of the script. */
function generated(name, args) {
  const out = join(data, `stress-${name}`);
  if (!existsSync(out) || readdirSync(out).length === 0) {
    mkdirSync(out, { recursive: true });
    log(`generating ${out}`);
    const r = spawnSync(process.execPath, [join(root, 'dist/bench/generate-cli.js'), ...args, '--out', out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`generate-cli failed for ${name}`);
  }
  return out;
}

/** The one file a directory of one generated file holds. */
const only = (dir) => join(dir, readdirSync(dir).filter((f) => f.endsWith('.csv'))[0]);

const big = generated(`one-${rows}`, ['--rows', String(rows), '--seed', values.seed]);
const inputs = [
  { name: `1 file, ${rows} rows`, path: only(big) },
  {
    name: `rotated, ${Math.round(rows / 4)} rows in 8 files (2 gzipped)`,
    path: generated(`rotated-${rows}`, ['--rows', String(Math.round(rows / 4)), '--files', '8', '--gzip', '1,3', '--seed', values.seed]),
  },
  { name: '20,000 rows, 1 file', path: only(generated('small', ['--rows', '20000', '--seed', values.seed])) },
];
for (const i of inputs) {
  const size = statSync(i.path).isDirectory()
    ? readdirSync(i.path).reduce((n, f) => n + statSync(join(i.path, f)).size, 0)
    : statSync(i.path).size;
  log(`input: ${i.name} (${(size / 1e6).toFixed(1)} MB)`);
}

const WORKERS = ['1', '2'];
const CHUNKS = ['4096', '65536', '1048576', '4194304'];
const RANGES = ['65536', '1048576', '16777216'];

/** Something else on the machine: CPU, allocation and I/O in another process for a while. */
function busy(ms) {
  const code = `const end = Date.now() + ${ms}; const keep = []; let h = 0;
    while (Date.now() < end) { keep.push(Buffer.alloc(1 << 20, h++)); if (keep.length > 64) keep.length = 0; for (let i = 0; i < 1e5; i++) h = (h * 31 + i) | 0; }
    require('zlib').gzipSync(Buffer.alloc(8 << 20, h));`;
  return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
}

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/** The numbers of a report (what must not depend on threads or cuts). */
function digest(stdout) {
  const j = JSON.parse(stdout);
  return createHash('sha256')
    .update(JSON.stringify({ input: j.input.records, total: j.total, groups: j.groups }))
    .digest('hex');
}

const failures = join(data, 'stress-failures');
const first = new Map();
const tally = { ok: 0, failed: 0, signals: {} };
const started = Date.now();
let background = null;
for (let n = 0; n < runs; n++) {
  const input = inputs[n % inputs.length];
  const workers = WORKERS[Math.floor(n / inputs.length) % WORKERS.length];
  const chunk = CHUNKS[Math.floor(n / (inputs.length * WORKERS.length)) % CHUNKS.length];
  const range = RANGES[n % RANGES.length];
  const args = [
    'report',
    input.path,
    '--by',
    'isp,ip',
    '--bucket',
    '1h',
    '--format',
    'json',
    '--workers',
    workers,
    '--chunk-size',
    chunk,
    '--min-range',
    range,
  ];
  // Another process between runs; every third run it is still busy while the report starts.
  const other = busy(50 + (n % 7) * 40);
  if (n % 3 !== 0) await new Promise((r) => other.on('close', r));
  else background = other;
  const r = await run(args);
  if (background !== null) {
    background.kill();
    background = null;
  }
  let problem = null;
  if (r.signal !== null || r.code === null || r.code > 2) problem = `ended by ${r.signal ?? `exit ${r.code}`}`;
  else {
    try {
      const d = digest(r.stdout);
      if (!first.has(input.name)) first.set(input.name, d);
      else if (first.get(input.name) !== d) problem = 'numbers differ from the first run on this input';
    } catch (err) {
      problem = `no JSON on stdout (${err.message})`;
    }
  }
  if (problem === null) tally.ok++;
  else {
    tally.failed++;
    if (r.signal !== null) tally.signals[r.signal] = (tally.signals[r.signal] ?? 0) + 1;
    mkdirSync(failures, { recursive: true });
    const file = join(failures, `run-${n}.txt`);
    writeFileSync(file, `pmta-acct ${args.join(' ')}\n${problem}\n--- stderr ---\n${r.stderr}`);
    log(`run ${n + 1}: ${problem}: kept in ${file}`);
  }
  if ((n + 1) % 25 === 0) log(`${n + 1}/${runs} runs, ${tally.failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
log(
  `done: ${runs} runs (workers 1 and 2, chunks ${CHUNKS.join('/')}, ranges ${RANGES.join('/')}, ${inputs.length} inputs), ${tally.ok} ok, ${tally.failed} failed${Object.keys(tally.signals).length > 0 ? ` (signals: ${JSON.stringify(tally.signals)})` : ''}`,
);
process.exitCode = tally.failed > 0 ? 1 : 0;
