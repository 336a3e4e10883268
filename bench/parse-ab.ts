/**
 * `node dist/bench/parse-ab.js --file F [--rounds N] DIST_A DIST_B ...`: the parse path (reader +
 * rollup sink, `--by isp,ip --bucket 1h`) of two or more builds of pmta-acct, in one process, on a
 * file held in memory, taking turns round after round.
 *
 * Why: this project's machine shares 2 vCPUs with other tenants, and the same command run twice
 * minutes apart can take 50% longer. Separate processes (what `npm run bench` measures, and must,
 * for start-up and memory) cannot show a 10% change in the per-record cost through that. Here each
 * round runs every build once, in alternating order, and the ratio to the first build is taken per
 * round, so load that comes and goes falls on both sides of each ratio. CPU time (user + system)
 * is reported; `--wall` reports elapsed time instead. Every build must produce the same rollup.
 *
 * A DIST is a build's output directory (the one holding `src/parse/reader.js`), e.g. from
 * `git worktree add /tmp/old <commit> && cd /tmp/old && npm ci && npx tsc -p tsconfig.build.json`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineOptions } from '../src/engine/options.js';

type ReaderModule = typeof import('../src/parse/reader.js');
type SinkModule = typeof import('../src/engine/rollup-sink.js');

interface Build {
  readonly dir: string;
  readonly reader: ReaderModule;
  readonly sink: SinkModule;
  readonly ms: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string' },
    rounds: { type: 'string', default: '20' },
    wall: { type: 'boolean', default: false },
  },
});
const USAGE = 'usage: node dist/bench/parse-ab.js --file F [--rounds N] [--wall] DIST_A [DIST_B ...]';

function fail(message: string): never {
  console.error(`parse-ab: ${message}`);
  process.exit(2);
}

if (values.file === undefined || positionals.length < 1) fail(USAGE);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds: '${values.rounds}' is not a positive whole number`);
let bytes: Buffer;
try {
  bytes = readFileSync(values.file);
} catch (err) {
  fail(`cannot read ${values.file}: ${err instanceof Error ? err.message : String(err)}`);
}

const options: EngineOptions = {
  dims: ['isp', 'ip'],
  bucket: '1h',
  tz: 'UTC',
  since: null,
  until: null,
  hardCategories: ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'],
  isps: {},
  header: null,
  strict: false,
  keepProblems: 20,
  chunkSize: 1 << 20,
  maxRecordBytes: 128 * 1024,
  maxRecordLines: 32,
};

const builds: Build[] = [];
for (const dir of positionals) {
  const root = resolve(dir);
  try {
    builds.push({
      dir,
      reader: (await import(`${root}/src/parse/reader.js`)) as ReaderModule,
      sink: (await import(`${root}/src/engine/rollup-sink.js`)) as SinkModule,
      ms: [],
    });
  } catch (err) {
    fail(
      `${dir} is not a build of pmta-acct (no src/parse/reader.js and src/engine/rollup-sink.js that load): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** One pass over the file; returns its cost in ms and a digest of the rollup. */
function pass(b: Build): { ms: number; digest: string } {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const sink = new b.sink.RollupSink(options);
  const reader = new b.reader.RecordReader(sink, sink.problems, { file: values.file as string });
  for (let at = 0; at < bytes.length;) {
    const space = reader.space();
    const n = Math.min(space.length, bytes.length - at);
    bytes.copy(space, 0, at, at + n);
    at += n;
    reader.written(n);
  }
  reader.finish();
  const used = process.cpuUsage(cpu);
  const ms = values.wall ? Number(process.hrtime.bigint() - t0) / 1e6 : (used.user + used.system) / 1000;
  const r = sink.rollup;
  let sum = 0;
  for (const c of r.counters) sum += c;
  return { ms, digest: `${r.size} groups, ${sink.stats.counted} records, counters sum ${sum}` };
}

const digests = new Set<string>();
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const b of order) {
    const { ms, digest } = pass(b);
    b.ms.push(ms);
    digests.add(digest);
  }
}
if (digests.size !== 1) {
  console.error(`the builds disagree: ${[...digests].join(' / ')}`);
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${values.file}: ${rounds} rounds, ${values.wall ? 'wall' : 'CPU'} ms per pass; same rollup (${[...digests][0]})`);
for (const b of builds) {
  const ratio = median(b.ms.map((ms, i) => ms / builds[0].ms[i]));
  console.log(
    `${b.dir.padEnd(30)} min ${Math.min(...b.ms)
      .toFixed(0)
      .padStart(6)}  median ${median(b.ms).toFixed(0).padStart(6)}  median ratio to the first ${ratio.toFixed(3)}`,
  );
}
