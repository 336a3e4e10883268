/**
 * The load suite's scenarios and targets (bench/suites/load.ts): the day's (load against the CSV
 * import, and two questions over one file) and the week's (the questions forensics asks, over a
 * store of K days from H hosts against the same files).
 */
import { join } from 'node:path';
import type { BenchClickHouse } from '../clickhouse/server.js';
import { target, type BenchContext, type Measured, type Scenario, type TargetResult } from '../suite.js';
import { firstCell, type Week } from '../week.js';

/** Gmail's bounces and deferrals for a policy reason (5.7.x): the templates behind a spike. */
const WHERE = 'isp = gmail and type in (b, t) and dsnDiag ~ /5\\.7\\./';
const GROUPS = ['--where', WHERE, '--group-by', 'diag', '--format', 'json'];
const PAGE = ['--where', WHERE, '--select', 'timeLogged,isp,dsnDiag', '--limit', '100', '--format', 'ndjson'];
const RECORD = 'timeLogged,type,vmta,dsnStatus,dsnDiag';

export interface WeekRun {
  readonly week: Week;
  /** Seconds to load the whole week (every host, one `load` each), once. */
  readonly loadSeconds: number;
  /** The recipient hash key the week was loaded with. */
  readonly key: string;
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

function pair(
  id: string,
  name: string,
  cli: string,
  url: string,
  files: readonly string[],
  args: readonly string[],
  size: { rows: number; bytes: number },
  chArgs: readonly string[] = [],
): Scenario[] {
  return [
    {
      id: `q-ch${id}`,
      name: `query --clickhouse ${name}`,
      script: cli,
      args: ['query', '--clickhouse', url, ...chArgs, ...args],
      ...size,
      rss: true,
    },
    { id: `q-files${id}`, name: `query files ${name}`, script: cli, args: ['query', ...files, ...args], ...size, rss: true },
  ];
}

export function dayScenarios(ctx: BenchContext, ch: BenchClickHouse): Scenario[] {
  const { data, cli, here } = ctx;
  const day = { rows: data.rows, bytes: data.bytes, rss: true };
  return [
    {
      id: 'ch-load',
      name: 'pmta-acct load (plain day, fresh host)',
      script: join(here, 'scenarios/ch-load.js'),
      args: [cli, ch.url('bench_load'), data.file],
      ...day,
      // the scenario passes on load's own peak RSS (its process is a wrapper that waits)
      rss: false,
      once: true,
    },
    {
      id: 'ch-csv',
      name: 'clickhouse-client CSV import (plain table)',
      script: join(here, 'scenarios/ch-csv.js'),
      args: [String(ch.tcpPort), data.file],
      ...day,
      rss: false,
      once: true,
    },
    ...pair('', '--group-by diag (1 day)', cli, ch.url('bench_q'), [data.file], GROUPS, day),
    ...pair('-select', '--select --limit 100', cli, ch.url('bench_q'), [data.file], PAGE, day),
  ];
}

export function dayTargets(get: (id: string) => Measured): TargetResult[] {
  const [load, csv, qch, qf] = ['ch-load', 'ch-csv', 'q-ch', 'q-files'].map(get);
  return [
    target(
      'load vs clickhouse-client CSV import',
      `${fmt(load.seconds / csv.seconds)}x its time, ${fmt(load.rows / load.seconds / 1e3)} k rows/s (target <= 4x: load classifies, hashes and keeps every column)`,
      load.seconds / csv.seconds <= 4,
    ),
    target(
      'query --clickhouse --group-by diag vs query over the file (1 day)',
      `${fmt(qf.seconds / qch.seconds)}x faster (target >= 1x: the store must not be slower than the file it was loaded from)`,
      qf.seconds / qch.seconds >= 1,
    ),
  ];
}

/** The day the week's one-day question asks about: the middle one. */
function askedDay(w: Week): { date: string; since: string; until: string; job: string } {
  const date = w.dates[Math.floor(w.dates.length / 2)];
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
  // the generator writes every time at -0500: the day as its hosts' operators see it
  return { date, since: `${date} 00:00:00-0500`, until: `${next} 00:00:00-0500`, job: `cmp-${date.replaceAll('-', '')}-03` };
}

export function weekScenarios(ctx: BenchContext, ch: BenchClickHouse, run: WeekRun): Scenario[] {
  const { week: w } = run;
  const url = ch.url('bench_w');
  const all = { rows: w.rows, bytes: w.bytes };
  const n = w.dates.length;
  const day = askedDay(w);
  const rcpt = firstCell((w.files.get(w.hosts[0]) ?? [])[Math.floor(n / 2)], 'rcpt');
  const oneDay = [
    '--since',
    day.since,
    '--until',
    day.until,
    '--where',
    `isp = gmail and type = b and job = '${day.job}'`,
    '--select',
    RECORD,
    '--format',
    'ndjson',
  ];
  const history = ['--where', `rcpt = '${rcpt}'`, '--select', RECORD, '--format', 'ndjson'];
  const key = ['--hash-key-file', run.key];
  return [
    ...pair('-day', `a job's Gmail bounces on ${day.date} (1 day of ${n}, every record)`, ctx.cli, url, w.all, oneDay, all),
    ...pair('', `--group-by diag (${n} days)`, ctx.cli, url, w.all, GROUPS, all),
    ...pair('-rcpt', `one recipient's history (${n} days)`, ctx.cli, url, w.all, history, all, key),
    ...pair('-select', `--select --limit 100 (${n} days)`, ctx.cli, url, w.all, PAGE, all),
  ];
}

export function weekTargets(get: (id: string) => Measured, run: WeekRun): TargetResult[] {
  const ratio = (id: string) => get(`q-files${id}`).seconds / get(`q-ch${id}`).seconds;
  const { week: w } = run;
  const n = w.dates.length;
  const page = get('q-ch-select');
  return [
    target(
      `load of the week (${w.hosts.length} hosts x ${n} days)`,
      `${fmt(run.loadSeconds)} s, ${fmt(w.rows / run.loadSeconds / 1e3)} k rows/s`,
      true,
      "a figure: the day's load is measured against the CSV import",
    ),
    target(
      `a day's question out of ${n} days: clickhouse vs files`,
      `${fmt(ratio('-day'))}x faster (target >= 2x: the store reads the day's partitions and three narrow columns; the files pruned by name still parse the asked day and its neighbours whole)`,
      ratio('-day') >= 2,
    ),
    target(
      `--group-by diag over ${n} days: clickhouse vs files`,
      `${fmt(ratio(''))}x faster (target >= 1.5x: nothing prunes, both read every record of the week; the store reads the condition's columns where the files parse every line)`,
      ratio('') >= 1.5,
    ),
    target(
      `one recipient's history over ${n} days: clickhouse vs files`,
      `${fmt(ratio('-rcpt'))}x faster (target >= 1x: the store reads the hash column of every record, the files search every line for the address)`,
      ratio('-rcpt') >= 1,
    ),
    target(
      `--select --limit 100 over ${n} days`,
      `${fmt(page.seconds)} s (target < 1 s: a page of records answers at a prompt's pace)`,
      page.seconds < 1,
    ),
  ];
}
