/**
 * `npm run bench:state [-- --full | --rows N --days 1,14,35 --repeat K]` (also run after `npm run
 * bench`): what a tail state costs as it ages. A generated server's days are followed one at a time
 * (bench/state/build.ts); on the states after 1, 14 and 35 days it measures check --state, report
 * --state --since 7d and 35d against report over the same days' files, tail --once over 14 days of
 * files against 1 day, and the state's bytes per day per tier. Every scenario runs in a fresh
 * process, in interleaved rounds; the contenders' answers must agree before any time is printed.
 * The default is scaled (100,000 records a day, a few minutes); --full is the server
 * (1 M records a day: about 17 GB of files for 35 days, kept between runs in --data; a build is
 * keyed by its last day, yesterday by default: --last-day reuses an earlier day's build).
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnvironment, machineDescription } from './machine.js';
import { build, runCli } from './state/build.js';
import { renderStateResults, replaceSection, stateBytes, type StateFigures, type Timed } from './state/results.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const opts = { cli: join(root, 'dist/bin/pmta-acct.js'), hook: join(here, 'rss-hook.js') };

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    rows: { type: 'string' },
    days: { type: 'string', default: '1,14,35' },
    repeat: { type: 'string', default: '3' },
    data: { type: 'string', default: join(root, 'bench/data') },
    out: { type: 'string', default: join(root, 'bench/RESULTS.md') },
    'last-day': { type: 'string' },
  },
});
const rows = Number(values.rows ?? (values.full ? 1_000_000 : 100_000));
const keep = values.days
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const repeat = Number(values.repeat);
const total = keep[keep.length - 1];
if (!Number.isInteger(rows) || rows < 1 || keep.some((k) => !Number.isInteger(k) || k < 1) || !(repeat >= 1)) {
  throw new Error('usage: state-run [--full] [--rows N] [--days 1,14,35] [--repeat K] [--data DIR] [--out FILE] [--last-day YYYY-MM-DD]');
}
const log = (line: string) => process.stderr.write(`${line}\n`);

const built = await build({ dir: values.data, rows, days: total, keep, ...opts, log, lastDay: values['last-day'] });
const nowOf = (k: number) => built.nowAfter(k);

// A state kept from an earlier build may be of an older schema, which report reads as it is (every
// tier over the range): the first tail of this version migrates it in place, as it would a user's.
for (const k of keep) {
  const r = runCli(opts, ['tail', built.live, '--state', built.states.get(k) as string, '--once', '--format', 'ndjson'], nowOf(k));
  if (r.code !== 0) throw new Error(`tail --once on the ${k}-day state failed (${r.code}):\n${r.stderr}`);
  log(`state scenario: the ${k}-day state opened by tail --once (migrated if older): ${r.seconds.toFixed(2)} s`);
}

/** A directory of links to the files of days [from, to] (1-based) and an empty live file. */
function linkDays(name: string, from: number, to: number): string {
  const dir = join(values.data, `state-links-${rows}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let k = from; k <= to; k++) for (const f of readdirSync(built.days[k - 1])) linkSync(join(built.days[k - 1], f), join(dir, f));
  writeFileSync(join(dir, 'acct.csv'), 'type,timeLogged\r\n');
  return dir;
}

interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly args: readonly string[];
  readonly now: number;
  /** Scenarios whose output must equal this one's (state vs files), compared by `same`. */
  readonly peer?: string;
  readonly same?: (a: string, b: string) => string | null;
}

/** Groups and total of two JSON reports: null when equal, else where they differ. */
function sameReport(a: string, b: string): string | null {
  const x = JSON.parse(a) as { groups: unknown[]; total: unknown };
  const y = JSON.parse(b) as { groups: unknown[]; total: unknown };
  if (JSON.stringify(x.total) !== JSON.stringify(y.total)) return 'totals differ';
  if (x.groups.length !== y.groups.length) return `${x.groups.length} groups against ${y.groups.length}`;
  const i = x.groups.findIndex((g, n) => JSON.stringify(g) !== JSON.stringify(y.groups[n]));
  return i < 0 ? null : `group ${i} differs`;
}

/** The verdicts of two check --format json answers. */
function sameVerdicts(a: string, b: string): string | null {
  const v = (s: string) => JSON.stringify((JSON.parse(s) as { verdicts: unknown[] }).verdicts);
  return v(a) === v(b) ? null : 'verdicts differ';
}

const scenarios: Scenario[] = [];
const report = ['--format', 'json', '--no-verdicts', '--by', 'isp,ip'];
for (const k of keep) {
  const state = built.states.get(k) as string;
  scenarios.push({
    id: `check-${k}`,
    name: `check --state, ${k}-day state`,
    args: ['check', '--state', state, '--format', 'json'],
    now: nowOf(k),
  });
  // The peer: check over the files of that day and the one before (the 24 h windows reach into it).
  const files = built.days.slice(Math.max(0, k - 2), k);
  scenarios.push({
    id: `check-files-${k}`,
    name: `check over the last ${files.length} day(s) of files, --at the same time`,
    args: ['check', ...files, '--at', new Date(nowOf(k) * 1000).toISOString(), '--format', 'json'],
    now: nowOf(k),
    peer: `check-${k}`,
    same: sameVerdicts,
  });
  for (const span of [7, 35]) {
    if (span > k || (span === 7 && k < 7)) continue;
    const args = [...report, '--since', `${span}d`];
    scenarios.push({
      id: `state-${span}d-${k}`,
      name: `report --state --since ${span}d, ${k}-day state`,
      args: ['report', '--state', state, ...args],
      now: nowOf(k),
    });
    scenarios.push({
      id: `files-${span}d-${k}`,
      name: `report --since ${span}d over the same ${span} days' files`,
      args: ['report', ...built.days.slice(k - span, k), ...args],
      now: nowOf(k),
      peer: `state-${span}d-${k}`,
      same: sameReport,
    });
  }
}

// tail --once over the newest day's files, and over the newest 14 days' (each a fresh state).
const tailRuns: Timed[] = [];
for (const span of [1, Math.min(14, total)]) {
  const dir = linkDays(`tail-${span}`, total - span + 1, total);
  const state = join(dir, '..', `state-links-${rows}-tail-${span}-state`);
  rmSync(state, { recursive: true, force: true });
  log(`state scenario: tail --once over ${span} day(s) of files`);
  const r = runCli(
    opts,
    ['tail', join(dir, 'acct.csv'), '--state', state, '--once', '--from', 'beginning', '--format', 'ndjson'],
    nowOf(total),
  );
  if (r.code !== 0) throw new Error(`tail --once over ${span} days failed:\n${r.stderr}`);
  tailRuns.push({
    id: `tail-${span}`,
    name: `tail --once over ${span} day${span === 1 ? '' : 's'} of rotated files`,
    seconds: [r.seconds],
    rssMb: [r.rssMb],
  });
  rmSync(state, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

log(`state scenario: ${scenarios.length} scenarios, ${repeat} rounds`);
const outputs = new Map<string, string>();
const timed = new Map<string, Timed>(scenarios.map((s) => [s.id, { id: s.id, name: s.name, seconds: [], rssMb: [] }]));
for (let round = 0; round < repeat; round++) {
  for (const s of scenarios) {
    const r = runCli(opts, s.args, s.now);
    if (r.code > 2 || r.code < 0) throw new Error(`${s.name}: exit ${r.code}\n${r.stderr}`);
    const t = timed.get(s.id) as Timed;
    t.seconds.push(r.seconds);
    t.rssMb.push(r.rssMb);
    if (round === 0) {
      outputs.set(s.id, r.stdout);
      if (s.peer !== undefined && s.same !== undefined) {
        const diff = s.same(outputs.get(s.peer) as string, r.stdout);
        if (diff !== null) throw new Error(`${s.name} and its peer disagree (${diff}): no times are printed`);
      }
    }
  }
}

const figures: StateFigures = {
  machine: machineDescription(benchEnvironment().removed),
  rows,
  keep,
  repeat,
  date: new Date(),
  scenarios: [...timed.values(), ...tailRuns],
  bytes: keep.map((k) => stateBytes(built.states.get(k) as string, k)),
  dailyTail: built.daily,
};
const text = renderStateResults(figures);
process.stdout.write(text.table);
const out = values.out;
writeFileSync(out, replaceSection(existsSync(out) ? readFileSync(out, 'utf8') : '', text.markdown));
log(`wrote the state scenario into ${out}`);
