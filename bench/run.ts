/**
 * `npm run bench [-- --rows N --repeat K]`: pmta-acct against the read floor, csv-parse and DuckDB
 * on the same generated day, each scenario in a fresh process. Every contender's counts by
 * (hour, isp, ip) must be identical before any speed is printed. Writes bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { writeDay, writeSingleFile } from './generate.js';
import { firstDifference, fromReportJson, type PlainCounts, type PlainRollup } from './baselines/plain-rollup.js';
import { machineDescription } from './machine.js';
import { ANALYSIS_HEADING, renderResults, type Measured } from './results.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/bin/pmta-acct.js');
const hook = join(here, 'rss-hook.js');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '5' },
    data: { type: 'string', default: join(root, 'bench/data') },
    out: { type: 'string', default: join(root, 'bench/RESULTS.md') },
  },
});
const rows = Number(values.rows);
const repeat = Number(values.repeat);
const dataDir = values.data as string;

async function prepare(): Promise<{ file: string; gz: string; dir: string; bytes: number }> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `day-${rows}.csv`);
  const gz = `${file}.gz`;
  const dir = join(dataDir, `rotated-${rows}`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${rows} rows into ${file}...\n`);
    await writeSingleFile(file, { rows });
  }
  if (!existsSync(gz)) {
    process.stderr.write(`gzipping ${file}...\n`);
    await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(gz));
  }
  if (!existsSync(dir)) {
    process.stderr.write(`generating ${rows} rows as 24 rotated files (every 4th gzipped) into ${dir}...\n`);
    mkdirSync(dir);
    await writeDay(dir, { rows, files: 24, gzip: [0, 4, 8, 12, 16, 20] });
  }
  return { file, gz, dir, bytes: statSync(file).size };
}

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  readonly stdout: string;
}

function run(script: string, args: readonly string[]): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, script, ...args], { maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.status}):\n${stderr}`);
  const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: r.stdout.toString() };
}

function entries(stdout: string): PlainRollup {
  return new Map(JSON.parse(stdout) as [string, PlainCounts][]);
}

function reportRollup(stdout: string): PlainRollup {
  return fromReportJson((JSON.parse(stdout) as { groups: Parameters<typeof fromReportJson>[0] }).groups);
}

const data = await prepare();
// The rollup every contender computes; verdicts (on by default) are measured in a row of their own.
const report = (input: string, workers: string) => [cli, 'report', '--by', 'isp,ip', '--bucket', '1h', '--format', 'json', '--no-verdicts', '--workers', workers, input];
const cores = String((await import('node:os')).availableParallelism());
const rotatedFiles = readdirSync(data.dir).map((n) => join(data.dir, n));

process.stderr.write('running scenarios...\n');
const results: Measured[] = [];
const reference = { name: '', rollup: new Map() as PlainRollup };
function check(name: string, rollup: PlainRollup): void {
  if (reference.name === '') {
    reference.name = name;
    reference.rollup = rollup;
    return;
  }
  const diff = firstDifference(reference.rollup, rollup);
  if (diff !== null) throw new Error(`counts differ between ${reference.name} and ${name}: ${diff}; no speeds are printed`);
}

interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
  /** How its output is checked against the others (none: it computes something else). */
  readonly counts?: (stdout: string) => PlainRollup;
  /** Slow contenders run once, after the rounds. */
  readonly once?: boolean;
}

const floorJs = join(here, 'scenarios/floor.js');
const scenarios: Scenario[] = [
  { id: 'floor', name: 'read + count lines (fs stream, 64 KiB)', script: floorJs, args: [data.file, 'stream'] },
  { id: 'floor-sync', name: 'read + count lines (readSync, 1 MiB)', script: floorJs, args: [data.file, 'sync'] },
  { id: 'pmta-1', name: 'pmta-acct report, 1 thread', script: cli, args: report(data.file, '1').slice(1), counts: reportRollup },
  { id: 'pmta-all', name: `pmta-acct report, ${cores} threads`, script: cli, args: report(data.file, cores).slice(1), counts: reportRollup },
  {
    id: 'pmta-verdicts', name: `pmta-acct report + verdicts, ${cores} threads`, script: cli,
    args: [...report(data.file, cores).slice(1).filter((a) => a !== '--no-verdicts'), '--exit-zero'], counts: reportRollup,
  },
  {
    id: 'query', name: `pmta-acct query (where + group by ip,diag), ${cores} threads`, script: cli,
    args: ['query', data.file, '--where', "type in (b, t) and isp = 'gmail'", '--group-by', 'ip,diag', '--format', 'json', '--workers', cores],
  },
  { id: 'duckdb', name: `DuckDB read_csv + GROUP BY, ${cores} threads`, script: join(here, 'scenarios/duckdb.js'), args: [data.file, '--threads', cores], counts: entries },
  { id: 'gunzip', name: 'gunzip + count lines (zlib)', script: join(here, 'scenarios/gunzip.js'), args: [data.gz] },
  { id: 'pmta-gz', name: 'pmta-acct report, gzipped day', script: cli, args: report(data.gz, cores).slice(1), counts: reportRollup },
  { id: 'dir-1', name: `pmta-acct report, ${rotatedFiles.length} rotated files, 1 thread`, script: cli, args: report(data.dir, '1').slice(1), counts: reportRollup },
  { id: 'dir-all', name: `pmta-acct report, ${rotatedFiles.length} rotated files, ${cores} threads`, script: cli, args: report(data.dir, cores).slice(1), counts: reportRollup },
  { id: 'csv-parse', name: 'csv-parse stream, plain rollup', script: join(here, 'scenarios/csv-parse.js'), args: [data.file], counts: entries, once: true },
];

// Rounds: every fast scenario once per round, so that a noisy neighbour on a shared machine
// slows all contenders of a round alike; each scenario's median over the rounds is reported.
const runs = new Map<string, Run[]>(scenarios.map((sc) => [sc.id, []]));
for (let round = 0; round < repeat; round++) {
  for (const sc of scenarios) {
    if (sc.once && round > 0) continue;
    const r = run(sc.script, sc.args);
    runs.get(sc.id)?.push(r);
    if (round === 0 && sc.counts !== undefined) check(sc.name, sc.counts(r.stdout));
  }
}
for (const sc of scenarios) {
  const list = [...(runs.get(sc.id) ?? [])].sort((a, b) => a.seconds - b.seconds);
  const median = list[Math.floor(list.length / 2)];
  const spread = (list[list.length - 1].seconds - list[0].seconds) / median.seconds;
  results.push({ id: sc.id, name: sc.name, seconds: median.seconds, rssMb: median.rssMb, rows, spread });
}

const previous = existsSync(values.out as string) ? readFileSync(values.out as string, 'utf8') : '';
const at = previous.indexOf(ANALYSIS_HEADING);
const text = renderResults({ machine: machineDescription(), rows, bytes: data.bytes, repeat, results, date: new Date() }, at < 0 ? '' : previous.slice(at));
process.stdout.write(text.table);
writeFileSync(values.out as string, text.markdown);
process.stderr.write(`\nwrote ${values.out}\n`);
