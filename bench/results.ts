/** The benchmark's table: speeds, the targets with their status, as text and Markdown. */
import type { Measured, TargetResult } from './suite.js';

export interface ResultsInput {
  readonly machine: string;
  readonly rows: number;
  readonly bytes: number;
  readonly repeat: number;
  readonly results: readonly Measured[];
  readonly targets: readonly TargetResult[];
  readonly date: Date;
}

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The hand-written part of RESULTS.md (from its `## Analysis` heading on), kept across runs. */
export const ANALYSIS_HEADING = '## Analysis';

const MARK: Record<TargetResult['status'], string> = { met: 'PASS', missed: 'MISS', 'n/a': 'n/a ' };

export function renderResults(input: ResultsInput, analysis = ''): { table: string; markdown: string } {
  const { results, rows, bytes, targets } = input;
  const lines = results.map((m) => [
    m.name,
    fmt(m.seconds, m.seconds < 1 ? 3 : 2),
    m.rows > 0 ? fmt(m.rows / m.seconds / 1e6) : '-',
    m.bytes > 0 ? fmt(m.bytes / m.seconds / 1e6, 0) : '-',
    Number.isNaN(m.rssMb) ? '-' : fmt(m.rssMb, 0),
    m.runs > 1 ? `${fmt(m.spread * 100, 0)}%` : '-',
  ]);
  const runsNote = `median of ${input.repeat} interleaved rounds (start-up: 5 runs a round; csv-parse: 1 run)`;
  const head = `pmta-acct benchmark: ${rows.toLocaleString('en-US')} rows, ${fmt(bytes / 1e6, 0)} MB (${fmt(bytes / rows, 0)} bytes/row), ${runsNote}\n${input.machine}\n`;
  const widths = [58, 9, 8, 7, 8, 7];
  const row = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(' ');
  const table = [
    head,
    row(['scenario (each in a fresh process)', 'seconds', 'M rows/s', 'MB/s', 'peak MB', 'spread']),
    ...lines.map(row),
    '',
    ...targets.map((t) => `${MARK[t.status]}  ${t.what}: ${t.value}`),
    '',
  ].join('\n');
  const md = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${input.date.toISOString().slice(0, 10)}. ${rows.toLocaleString('en-US')} generated rows (bench/generate.ts, seed 42), ${fmt(bytes / 1e6, 0)} MB, ${fmt(bytes / rows, 0)} bytes per row; ${runsNote}: every scenario runs in turn, so that load from elsewhere on a shared machine falls on all contenders alike; every scenario in a fresh process, its input files read once, untimed, just before each run (a warm page cache for every contender alike); all contenders that compute the rollup produced identical counts by (hour, ISP, IP) before these numbers were printed.`,
    '',
    `Machine: ${input.machine}.`,
    '',
    'Spread is (slowest - fastest) / median over the runs: on a quiet machine a few percent; tens of percent mean the host was busy, and ratios between scenarios move as much.',
    '',
    '| scenario | seconds | M rows/s | MB/s | peak RSS MB | spread |',
    '|---|---:|---:|---:|---:|---:|',
    ...lines.map((c) => `| ${c.join(' | ')} |`),
    '',
    '## Targets',
    '',
    '| target | result | |',
    '|---|---|---|',
    ...targets.map((t) => `| ${t.what} | ${t.value} | ${t.status} |`),
    '',
    ...(analysis === '' ? [] : [analysis.trimEnd(), '']),
  ].join('\n');
  return { table, markdown: md };
}
