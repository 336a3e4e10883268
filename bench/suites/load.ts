/**
 * Forensics in ClickHouse. The suite starts its own 18.16 server (bench/clickhouse/server.ts);
 * without clickhouse-server installed it has no scenarios and its targets are n/a.
 *
 * One day (default): `load` throughput against clickhouse-client's own CSV import of the same file
 * into a plain table (the peer a ClickHouse user would use), and `query --clickhouse` latency
 * against `query` over the file, on the generated day (bench/suites/load-scenarios.ts).
 *
 * $PMTA_ACCT_BENCH_CH_DAYS=K (K > 1): a week of K distinct days from $PMTA_ACCT_BENCH_CH_HOSTS
 * hosts (default 2; bench/week.ts: --rows records a day in all, one dated file per host-day), loaded
 * into the store host by host (timed, once), and the questions forensics asks of it, each against
 * `query` over the week's files (which prunes them by their dated names, as an operator's archive):
 * one job's Gmail bounces on one day of the week (--since/--until and --where, every record), the
 * diag templates behind the bounces and deferrals of the week (--group-by diag), one recipient's
 * history over the week (--where "rcpt = '...'": the keyed hash), and the first 100 matches.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startBenchClickHouse, type BenchClickHouse } from '../clickhouse/server.js';
import { target, type BenchContext, type Measured, type Scenario, type Suite, type TargetResult } from '../suite.js';
import { prepareWeek, type Week } from '../week.js';
import { dayScenarios, dayTargets, weekScenarios, weekTargets, type WeekRun } from './load-scenarios.js';

let server: BenchClickHouse | null | undefined;
let week: WeekRun | null = null;

function cliRun(cli: string, args: readonly string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`pmta-acct ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

function init(cli: string, ch: BenchClickHouse, db: string): void {
  cliRun(cli, ['clickhouse', 'init', '--clickhouse', ch.url(db)]);
}

/** The week loaded host by host into `bench_w`; the seconds it took. */
function loadWeek(ctx: BenchContext, ch: BenchClickHouse, w: Week, key: string): number {
  init(ctx.cli, ch, 'bench_w');
  const start = process.hrtime.bigint();
  for (const host of w.hosts) {
    process.stderr.write(`load suite: loading ${w.dates.length} days of ${host}...\n`);
    const files = w.files.get(host) ?? [];
    cliRun(ctx.cli, ['load', ...files, '--clickhouse', ch.url('bench_w'), '--host', host, '--hash-key-file', key, '--no-progress']);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export const loadSuite: Suite = {
  name: 'load',
  async scenarios(ctx: BenchContext): Promise<Scenario[]> {
    if (server === undefined) server = startBenchClickHouse();
    const ch = server;
    if (ch === null) return [];
    const days = Math.max(1, Number(process.env.PMTA_ACCT_BENCH_CH_DAYS ?? '1') || 1);
    if (days === 1) {
      for (const db of ['bench_q', 'bench_load']) init(ctx.cli, ch, db);
      process.stderr.write('load suite: loading the day for the query scenarios...\n');
      cliRun(ctx.cli, ['load', ctx.data.file, '--clickhouse', ch.url('bench_q'), '--host', 'day0', '--no-progress']);
      return dayScenarios(ctx, ch);
    }
    const hosts = Math.max(1, Number(process.env.PMTA_ACCT_BENCH_CH_HOSTS ?? '2') || 2);
    const w = await prepareWeek(ctx.data.dataDir, ctx.data.rows, days, hosts, (s) => process.stderr.write(`${s}\n`));
    const key = join(w.dir, 'recipient-hash.key');
    const seconds = loadWeek(ctx, ch, w, key);
    week = { week: w, loadSeconds: seconds, key };
    return weekScenarios(ctx, ch, week);
  },

  targets(get: (id: string) => Measured): TargetResult[] {
    try {
      return week === null ? dayTargets(get) : weekTargets(get, week);
    } catch {
      // no scenarios ran: clickhouse-server is not installed here
      return [
        target(
          'query --clickhouse vs query over files',
          'not measured',
          false,
          'no clickhouse-server: apt-get install clickhouse-server clickhouse-client',
        ),
      ];
    }
  },
};
