/**
 * Forensics in ClickHouse: `load` throughput against clickhouse-client's own CSV import of the same
 * file into a plain table (the peer a ClickHouse user would use), and `query --clickhouse` latency
 * against `query` over the files, on the generated day. The suite starts its own 18.16 server
 * (bench/clickhouse/server.ts) and loads the day once for the query scenarios; without
 * clickhouse-server installed it has no scenarios and its targets are n/a.
 *
 * $PMTA_ACCT_BENCH_CH_DAYS=K (default 1) loads the day K times, as K hosts, for the query
 * scenarios, and `query` over files then reads K links to the day: the 7-day question.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startBenchClickHouse, type BenchClickHouse } from '../clickhouse/server.js';
import { target, type BenchContext, type Measured, type Scenario, type Suite, type TargetResult } from '../suite.js';

const WHERE = 'isp = gmail and type in (b, t) and dsnDiag ~ /5\\.7\\./';
let server: BenchClickHouse | null | undefined;
let days = 1;

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

/** The query store: the day loaded `days` times as hosts day0..; and `days` links to the day. */
function prepare(ctx: BenchContext, ch: BenchClickHouse): string[] {
  for (const db of ['bench_q', 'bench_load']) {
    const init = spawnSync(process.execPath, [ctx.cli, 'clickhouse', 'init', '--clickhouse', ch.url(db)], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`clickhouse init ${db} failed: ${init.stderr}`);
  }
  const links = join(ctx.data.dataDir, 'ch-days');
  rmSync(links, { recursive: true, force: true });
  mkdirSync(links, { recursive: true });
  const files: string[] = [];
  for (let d = 0; d < days; d++) {
    const link = join(links, `acct-day${d}.csv`);
    symlinkSync(ctx.data.file, link);
    files.push(link);
    process.stderr.write(`load suite: loading the day as host day${d}...\n`);
    const r = spawnSync(
      process.execPath,
      [ctx.cli, 'load', ctx.data.file, '--clickhouse', ch.url('bench_q'), '--host', `day${d}`, '--no-progress'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`load for the query store failed: ${r.stderr}`);
  }
  return files;
}

export const loadSuite: Suite = {
  name: 'load',
  scenarios(ctx: BenchContext): Scenario[] {
    if (server === undefined) server = startBenchClickHouse();
    const ch = server;
    if (ch === null) return [];
    days = Math.max(1, Number(process.env.PMTA_ACCT_BENCH_CH_DAYS ?? '1') || 1);
    const files = prepare(ctx, ch);
    const { data, cli, here } = ctx;
    const day = { rows: data.rows, bytes: data.bytes, rss: true };
    const all = { rows: data.rows * days, bytes: data.bytes * days, rss: true };
    const groups = ['--where', WHERE, '--group-by', 'diag', '--format', 'json'];
    return [
      {
        id: 'ch-load',
        name: 'pmta-acct load (plain day, fresh host)',
        script: join(here, 'scenarios/ch-load.js'),
        args: [cli, ch.url('bench_load'), data.file],
        ...day,
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
      {
        id: 'q-ch',
        name: `query --clickhouse --group-by diag (${days} day${days === 1 ? '' : 's'})`,
        script: cli,
        args: ['query', '--clickhouse', ch.url('bench_q'), ...groups],
        ...all,
      },
      {
        id: 'q-files',
        name: `query files --group-by diag (${days} day${days === 1 ? '' : 's'})`,
        script: cli,
        args: ['query', ...files, ...groups],
        ...all,
      },
      {
        id: 'q-ch-select',
        name: 'query --clickhouse --select --limit 100',
        script: cli,
        args: [
          'query',
          '--clickhouse',
          ch.url('bench_q'),
          '--where',
          WHERE,
          '--select',
          'timeLogged,isp,dsnDiag',
          '--limit',
          '100',
          '--format',
          'ndjson',
        ],
        ...all,
      },
      {
        id: 'q-files-select',
        name: 'query files --select --limit 100',
        script: cli,
        args: ['query', ...files, '--where', WHERE, '--select', 'timeLogged,isp,dsnDiag', '--limit', '100', '--format', 'ndjson'],
        ...all,
      },
    ];
  },

  targets(get: (id: string) => Measured): TargetResult[] {
    let load: Measured;
    let csv: Measured;
    let qch: Measured;
    let qf: Measured;
    try {
      [load, csv, qch, qf] = ['ch-load', 'ch-csv', 'q-ch', 'q-files'].map(get);
    } catch {
      // no scenarios ran: clickhouse-server is not installed here
      return [
        target(
          'load vs clickhouse-client CSV import',
          'not measured',
          false,
          'no clickhouse-server: apt-get install clickhouse-server clickhouse-client',
        ),
      ];
    }
    return [
      target(
        'load vs clickhouse-client CSV import',
        `${fmt(load.seconds / csv.seconds)}x its time, ${fmt(load.rows / load.seconds / 1e3)} k rows/s (target <= 4x: load classifies, hashes and keeps every column)`,
        load.seconds / csv.seconds <= 4,
      ),
      target(
        `query --clickhouse vs query over files (${days} day${days === 1 ? '' : 's'})`,
        `${fmt(qf.seconds / qch.seconds)}x faster (target >= 1x at 1 day, >= 5x at 7 days)`,
        qf.seconds / qch.seconds >= (days >= 7 ? 5 : 1),
      ),
    ];
  },
};
