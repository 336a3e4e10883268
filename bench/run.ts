/**
 * `npm run bench [-- --rows N --repeat K]`: pmta-acct against the read floor, csv-parse and DuckDB
 * on the same generated day, each scenario in a fresh process. Every contender's counts by
 * (hour, isp, ip) must be identical before any speed is printed. Writes bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { writeDay, writeSingleFile } from './generate.js';
import { firstDifference, fromReportJson, type PlainCounts, type PlainRollup } from './baselines/plain-rollup.js';
import { machineDescription } from './machine.js';
import { renderResults, type Measured } from './results.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/src/cli/main.js');
const hook = join(here, 'rss-hook.js');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '3' },
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

/** Median of `repeat` runs by time (one run for slow contenders). */
function measure(script: string, args: readonly string[], times = repeat): Run {
  const runs = Array.from({ length: times }, () => run(script, args)).sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)];
}

function entries(stdout: string): PlainRollup {
  return new Map(JSON.parse(stdout) as [string, PlainCounts][]);
}

function reportRollup(stdout: string): PlainRollup {
  return fromReportJson((JSON.parse(stdout) as { groups: Parameters<typeof fromReportJson>[0] }).groups);
}

const data = await prepare();
const report = (input: string, workers: string) => [cli, 'report', '--by', 'isp,ip', '--bucket', '1h', '--format', 'json', '--workers', workers, input];
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

const floor = measure(join(here, 'scenarios/floor.js'), [data.file, 'stream']);
results.push({ id: 'floor', name: 'read + count lines (fs stream, 64 KiB)', ...floor, rows });
const floorSync = measure(join(here, 'scenarios/floor.js'), [data.file, 'sync']);
results.push({ id: 'floor-sync', name: 'read + count lines (readSync, 1 MiB)', ...floorSync, rows });

const one = measure(cli, report(data.file, '1').slice(1));
check('pmta-acct 1 thread', reportRollup(one.stdout));
results.push({ id: 'pmta-1', name: 'pmta-acct report, 1 thread', ...one, rows });
const all = measure(cli, report(data.file, cores).slice(1));
check(`pmta-acct ${cores} threads`, reportRollup(all.stdout));
results.push({ id: 'pmta-all', name: `pmta-acct report, ${cores} threads`, ...all, rows });

const duck = measure(join(here, 'scenarios/duckdb.js'), [data.file, '--threads', cores]);
check('DuckDB', entries(duck.stdout));
results.push({ id: 'duckdb', name: `DuckDB read_csv + GROUP BY, ${cores} threads`, ...duck, rows });

const csvParse = measure(join(here, 'scenarios/csv-parse.js'), [data.file], 1);
check('csv-parse', entries(csvParse.stdout));
results.push({ id: 'csv-parse', name: 'csv-parse stream, plain rollup', ...csvParse, rows });

const gunzip = measure(join(here, 'scenarios/gunzip.js'), [data.gz]);
results.push({ id: 'gunzip', name: 'gunzip + count lines (zlib)', ...gunzip, rows });
const gz = measure(cli, report(data.gz, cores).slice(1));
check('pmta-acct .gz', reportRollup(gz.stdout));
results.push({ id: 'pmta-gz', name: 'pmta-acct report, gzipped day', ...gz, rows });

const dirOne = measure(cli, report(data.dir, '1').slice(1));
check('pmta-acct rotated dir, 1 thread', reportRollup(dirOne.stdout));
results.push({ id: 'dir-1', name: `pmta-acct report, ${rotatedFiles.length} rotated files, 1 thread`, ...dirOne, rows });
const dirAll = measure(cli, report(data.dir, cores).slice(1));
check('pmta-acct rotated dir', reportRollup(dirAll.stdout));
results.push({ id: 'dir-all', name: `pmta-acct report, ${rotatedFiles.length} rotated files, ${cores} threads`, ...dirAll, rows });

const text = renderResults({ machine: machineDescription(), rows, bytes: data.bytes, repeat, results, date: new Date() });
process.stdout.write(text.table);
writeFileSync(values.out as string, text.markdown);
process.stderr.write(`\nwrote ${values.out}\n`);
