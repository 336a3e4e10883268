// Runs the built CLI (dist/bin/pmta-acct.js) over the samples and the test fixtures with the
// battery of scripts/golden-cases.mjs, and compares what it wrote (stdout, stderr, exit status,
// files) with test/golden/cases/: the proof that a change of structure changed no output.
//
//   npm run golden                   compare (exit 1 and a diff per case that differs)
//   npm run golden -- --update       write the goldens (after a change of output you meant)
//   npm run golden -- --out DIR      write the outputs to DIR, compare nothing
//   npm run golden -- NAME...        only the cases whose name contains one of these words
//
// The cases that name $T or have a set-up (a state written by one case and read by the next) run
// one after another in their order, in one shared directory; every other case is independent and
// runs in its own new directory, several at a time (as many as there are cores): a case that
// leaned on another's files would differ from its golden, so the comparison checks the split.
// test/golden.e2e.test.ts runs the comparison with the other tests, so CI fails on a difference.
// The clock is pinned where an output depends on it ($PMTA_ACCT_NOW), the temporary directory and
// the repository path are written as <TMP> and <ROOT>, colours are off (NO_COLOR).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './golden-cases.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const CLI = join(ROOT, 'dist/bin/pmta-acct.js');
const GOLDEN = join(ROOT, 'test/golden/cases');
const MAX_SECTION = 16_384;
const HEAD_CHARS = 4096;

const argv = process.argv.slice(2);
const update = argv.includes('--update');
const outAt = argv.indexOf('--out');
const outDir = outAt >= 0 ? argv[outAt + 1] : undefined;
const words = argv.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));

function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [`${prefix}(missing)`];
  if (statSync(dir).isFile()) return [prefix];
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      const name = prefix === '' ? f : `${prefix}/${f}`;
      return statSync(p).isDirectory() ? listFiles(p, name) : [name];
    });
}

function baseEnv(t) {
  const env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('PMTA_ACCT_') && k !== 'XDG_STATE_HOME' && k !== 'FORCE_COLOR') env[k] = v;
  return { ...env, NO_COLOR: '1', HOME: join(t, 'home'), TZ: 'UTC', LANG: 'C.UTF-8' };
}

/** Runs the CLI; resolves its exit status (or signal) and what it wrote, as spawnSync would. */
function spawnCli(args, input, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGTERM'), 300_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    // A CLI that exits without reading all its input closes the pipe: that is its answer, not ours.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Whether a case shares the run's directory with the cases around it ($T or a set-up). */
function shared(c) {
  return c.setup !== undefined || c.args.some((a) => a.includes('$T'));
}

async function run(c, t) {
  if (c.setup) c.setup(t);
  const sub = (s) => s.replaceAll('$T', t).replaceAll('$ROOT', ROOT);
  const args = c.args.map(sub);
  const input = c.stdinFile !== undefined ? readFileSync(join(ROOT, c.stdinFile)) : (c.stdin ?? '');
  const r = await spawnCli(args, input, { ...baseEnv(t), ...c.env });
  const clean = (s) => s.replaceAll(t, '<TMP>').replaceAll(ROOT, '<ROOT>');
  // Two texts: whole (--out) and abbreviated (the golden): a long output is pinned by its digest
  // and shown by its first lines, so that the goldens stay small.
  let whole = '';
  let text = '';
  const add = (s) => {
    whole += s;
    text += s;
  };
  const section = (s) => {
    whole += s;
    if (s.length <= MAX_SECTION) {
      text += s;
      return;
    }
    const lines = s.split('\n');
    const digest = createHash('sha256').update(s).digest('hex');
    let head = s.slice(0, HEAD_CHARS);
    if (head.includes('\n')) head = head.slice(0, head.lastIndexOf('\n'));
    text += `(${Buffer.byteLength(s)} bytes, ${lines.length} lines, sha256 ${digest}; it begins:)\n${head}\n(...)`;
  };
  add(`$ pmta-acct ${c.args.map((a) => (/^[\w./:=,@$-]+$/.test(a) ? a : `'${a}'`)).join(' ')}\n`);
  if (c.env)
    add(
      `env ${Object.entries(c.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\n`,
    );
  if (c.stdinFile !== undefined) add(`stdin < ${c.stdinFile}\n`);
  else if (c.stdin !== undefined) add(`stdin ${JSON.stringify(c.stdin)}\n`);
  add(`exit ${r.status ?? `signal ${r.signal}`}\n--- stdout\n`);
  section(clean(r.stdout.toString('utf8')));
  add('\n--- stderr\n');
  section(clean(r.stderr.toString('utf8')));
  add('\n');
  for (const f of c.files ?? []) {
    for (const name of listFiles(join(t, f), f)) {
      const p = join(t, name);
      add(`--- file ${name}\n`);
      section(existsSync(p) ? clean(readFileSync(p, 'utf8')) : '');
      add('\n');
    }
  }
  return { text, whole };
}

/** The first lines where two texts differ, with a little context. */
function firstDifference(want, got) {
  const a = want.split('\n');
  const b = got.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 2);
  const show = (lines, sign) =>
    lines
      .slice(from, i + 3)
      .map((l, k) => `${from + k === i ? sign : ' '} ${l.slice(0, 300)}`)
      .join('\n');
  return `  at line ${i + 1}:\n${show(a, '-')}\n${show(b, '+')}`;
}

const t = mkdtempSync(join(tmpdir(), 'pmta-golden-'));
const cases = words.length === 0 ? CASES : CASES.filter((c) => words.some((w) => c.name.includes(w)));
if (words.length > 0 && cases.length === 0) {
  console.error(`no case matches ${words.join(' ')}`);
  process.exit(2);
}
if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: npm run build first`);
  process.exit(2);
}
const names = new Set();
for (const c of CASES) {
  if (names.has(c.name)) throw new Error(`two cases named ${c.name}`);
  names.add(c.name);
}
const failed = [];
const started = Date.now();
try {
  if (update) mkdirSync(GOLDEN, { recursive: true });
  if (outDir) mkdirSync(outDir, { recursive: true });
  const results = new Array(cases.length);
  const lane = cases.flatMap((c, i) => (shared(c) ? [i] : []));
  const pool = cases.flatMap((c, i) => (shared(c) ? [] : [i]));
  const serial = async () => {
    for (const i of lane) results[i] = await run(cases[i], t);
  };
  const worker = async () => {
    for (let i = pool.shift(); i !== undefined; i = pool.shift()) {
      const own = mkdtempSync(join(tmpdir(), 'pmta-golden-'));
      try {
        results[i] = await run(cases[i], own);
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    }
  };
  const workers = Math.max(1, availableParallelism() - 1);
  await Promise.all([serial(), ...Array.from({ length: workers }, worker)]);
  cases.forEach((c, i) => {
    const { text: got, whole } = results[i];
    const file = `${c.name}.txt`;
    if (outDir) writeFileSync(join(outDir, file), whole);
    if (update) writeFileSync(join(GOLDEN, file), got);
    if (outDir || update) return;
    const path = join(GOLDEN, file);
    const want = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (want !== got) {
      failed.push(c.name);
      console.log(`DIFFERS ${c.name}${want === '' ? ' (no golden)' : ''}\n${firstDifference(want, got)}`);
    }
  });
  if (update && words.length === 0) {
    for (const f of readdirSync(GOLDEN)) if (!names.has(f.replace(/\.txt$/, ''))) rmSync(join(GOLDEN, f));
  }
} finally {
  rmSync(t, { recursive: true, force: true });
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
if (update) console.log(`wrote ${cases.length} goldens to test/golden/cases in ${secs} s`);
else if (outDir) console.log(`wrote ${cases.length} outputs to ${outDir} in ${secs} s`);
else if (failed.length > 0) {
  console.log(`${failed.length} of ${cases.length} cases differ from test/golden/cases (${secs} s): ${failed.join(', ')}`);
  process.exitCode = 1;
} else console.log(`all ${cases.length} cases equal their goldens (${secs} s)`);
