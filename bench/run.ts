/**
 * `npm run bench [-- --rows N --repeat K --only SUITE --hosts N --days D]`: the suites of
 * bench/suites/ (pmta-acct against the fastest read, DuckDB, csv-parse and gunzip on the same
 * generated day; start-up; load and query in ClickHouse; the fleet of N hosts by D days of --rows
 * records, default 20 by 7), each scenario in a fresh process, in interleaved rounds. Every contender's counts by (hour, isp,
 * ip) must be identical before any speed is printed. Writes bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { firstDifference, type PlainRollup } from './baselines/plain-rollup.js';
import { prepareData } from './data.js';
import { benchEnvironment, machineDescription } from './machine.js';
import { ANALYSIS_HEADING, renderResults } from './results.js';
import { SUITES } from './suites/index.js';
import { warmCache } from './warm-cache.js';
import type { BenchContext, Measured, Scenario } from './suite.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const hook = join(here, 'rss-hook.js');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '5' },
    data: { type: 'string', default: join(root, 'bench/data') },
    out: { type: 'string', default: join(root, 'bench/RESULTS.md') },
    only: { type: 'string' },
    hosts: { type: 'string', default: '20' },
    days: { type: 'string', default: '7' },
  },
});
const rows = Number(values.rows);
const repeat = Number(values.repeat);
const fleet = { hosts: Number(values.hosts), days: Number(values.days) };
if (![rows, repeat, fleet.hosts, fleet.days].every((n) => Number.isSafeInteger(n) && n >= 1) || fleet.hosts < 2 || fleet.days > 7) {
  console.error(
    'usage: npm run bench -- [--rows N] [--repeat K] [--only SUITE] [--data DIR] [--out FILE] [--hosts N (>= 2)] [--days D (<= 7)]',
  );
  process.exit(2);
}
const suites = values.only === undefined ? SUITES : SUITES.filter((s) => s.name === values.only);
if (suites.length === 0) {
  console.error(`--only: no suite '${values.only}' (suites: ${SUITES.map((s) => s.name).join(', ')})`);
  process.exit(2);
}

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  readonly stdout: string;
}

const environment = benchEnvironment();

function run(sc: Scenario): Run {
  if (sc.inputs !== undefined) warmCache(sc.inputs);
  const args = sc.script === null ? sc.args : [...(sc.rss === false ? [] : ['--import', hook]), sc.script, ...sc.args];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { maxBuffer: 1 << 30, env: sc.hostEnvironment === true ? process.env : environment.env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr.toString();
  if (!(sc.exitCodes ?? [0]).includes(r.status ?? -1))
    throw new Error(`${sc.name}: ${args.join(' ')} failed (${r.status}):\n${stderr}${r.stdout.toString().slice(0, 2000)}`);
  const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: r.stdout.toString() };
}

const data = await prepareData(values.data, rows);
const ctx: BenchContext = {
  data,
  cli: join(root, 'dist/bin/pmta-acct.js'),
  here,
  cores: availableParallelism(),
  removedVariables: environment.removed,
  fleet,
};
const scenarios: Scenario[] = [];
for (const s of suites) scenarios.push(...(await s.scenarios(ctx)));

// The first contender of each family is the reference the others' counts must equal.
const references = new Map<string, { name: string; rollup: PlainRollup }>();
function check(sc: Scenario, stdout: string): void {
  if (sc.counts === undefined) return;
  const family = sc.family ?? sc.id;
  const rollup = sc.counts(stdout);
  const ref = references.get(family);
  if (ref === undefined) {
    references.set(family, { name: sc.name, rollup });
    return;
  }
  const diff = firstDifference(ref.rollup, rollup);
  if (diff !== null) throw new Error(`counts differ between ${ref.name} and ${sc.name}: ${diff}; no speeds are printed`);
}

// Rounds: every scenario in turn, so that a noisy neighbour on a shared machine slows all
// contenders of a round alike; each scenario's median over its runs is reported.
process.stderr.write(`running ${scenarios.length} scenarios, ${repeat} rounds...\n`);
const runs = new Map<string, Run[]>(scenarios.map((sc) => [sc.id, []]));
for (let round = 0; round < repeat; round++) {
  for (const sc of scenarios) {
    if (sc.once === true && round > 0) continue;
    for (let i = 0; i < (sc.runsPerRound ?? 1); i++) {
      const r = run(sc);
      runs.get(sc.id)?.push(r);
      if (round === 0 && i === 0) check(sc, r.stdout);
    }
  }
  process.stderr.write(`round ${round + 1} of ${repeat} done\n`);
}

const measured = new Map<string, Measured>();
for (const sc of scenarios) {
  const list = [...(runs.get(sc.id) ?? [])].sort((a, b) => a.seconds - b.seconds);
  const median = list[Math.floor(list.length / 2)];
  const spread = (list[list.length - 1].seconds - list[0].seconds) / median.seconds;
  measured.set(sc.id, {
    id: sc.id,
    name: sc.name,
    seconds: median.seconds * (sc.scale ?? 1),
    rssMb: median.rssMb,
    rows: sc.rows,
    bytes: sc.bytes,
    spread,
    runs: list.length,
  });
}
const get = (id: string): Measured => {
  const m = measured.get(id);
  if (m === undefined) throw new Error(`no scenario ${id}`);
  return m;
};
const targets = suites.flatMap((s) => s.targets(get, ctx));

const out = values.out;
const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
const at = previous.indexOf(ANALYSIS_HEADING);
const text = renderResults(
  {
    machine: machineDescription(environment.removed),
    rows,
    bytes: data.bytes,
    repeat,
    results: [...measured.values()],
    targets,
    date: new Date(),
  },
  at < 0 ? '' : previous.slice(at),
);
process.stdout.write(text.table);
writeFileSync(out, text.markdown);
process.stderr.write(`\nwrote ${out}\n`);
