/** The benchmark's table: speeds, ratios against the peers, the targets, as text and Markdown. */

export interface Measured {
  readonly id: string;
  readonly name: string;
  readonly seconds: number;
  readonly rssMb: number;
  readonly rows: number;
  /** (slowest - fastest) / median over the rounds: how much the host's load moved this scenario. */
  readonly spread: number;
}

export interface ResultsInput {
  readonly machine: string;
  readonly rows: number;
  readonly bytes: number;
  readonly repeat: number;
  readonly results: readonly Measured[];
  readonly date: Date;
}

const DAY_ROWS = 10_000_000;

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function get(results: readonly Measured[], id: string): Measured {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
}

/** The hand-written part of RESULTS.md (from its `## Analysis` heading on), kept across runs. */
export const ANALYSIS_HEADING = '## Analysis';

export function renderResults(input: ResultsInput, analysis = ''): { table: string; markdown: string } {
  const { results, rows, bytes } = input;
  const rowsPerS = (m: Measured) => m.rows / m.seconds;
  const lines = results.map((m) => [
    m.name, fmt(m.seconds), fmt(rowsPerS(m) / 1e6), fmt(bytes / m.seconds / 1e6, 0), fmt(m.rssMb, 0),
    input.repeat > 1 && m.spread > 0 ? `${fmt(m.spread * 100, 0)}%` : '-',
  ]);
  const all = get(results, 'pmta-all');
  const one = get(results, 'pmta-1');
  const floor = get(results, 'floor');
  const duck = get(results, 'duckdb');
  const csv = get(results, 'csv-parse');
  const gz = get(results, 'pmta-gz');
  const gunzip = get(results, 'gunzip');
  const dirOne = get(results, 'dir-1');
  const dirAll = get(results, 'dir-all');
  const day = DAY_ROWS / rowsPerS(all);
  const targets: [string, string, boolean][] = [
    ['report (all cores) vs DuckDB', `${fmt(duck.seconds / all.seconds)}x faster (target >= 2x)`, duck.seconds / all.seconds >= 2],
    ['report (all cores) vs csv-parse', `${fmt(csv.seconds / all.seconds, 1)}x faster (target >= 30x)`, csv.seconds / all.seconds >= 30],
    ['report (all cores) vs the read floor', `${fmt(all.seconds / floor.seconds)}x the floor's time (target <= 2.5x)`, all.seconds / floor.seconds <= 2.5],
    ['gzipped day vs gunzip alone', `${fmt(gz.seconds / gunzip.seconds)}x gunzip's time (target <= 1.3x)`, gz.seconds / gunzip.seconds <= 1.3],
    ['peak RSS, report (all cores)', `${fmt(all.rssMb, 0)} MB (target <= 150 MB)`, all.rssMb <= 150],
    ['rotated archive: all cores vs 1 thread', `${fmt(dirOne.seconds / dirAll.seconds)}x`, dirOne.seconds > dirAll.seconds],
    ['a 10 M-row day (all cores)', `${fmt(day, 1)} s, ${fmt(86400 / day, 0)}x faster than PowerMTA writes it`, day < 60],
    ['report, 1 thread vs all cores', `${fmt(one.seconds / all.seconds)}x`, true],
  ];
  const head = `pmta-acct benchmark: ${rows.toLocaleString('en-US')} rows, ${fmt(bytes / 1e6, 0)} MB (${fmt(bytes / rows, 0)} bytes/row), median of ${input.repeat} interleaved rounds (csv-parse: 1 run)\n${input.machine}\n`;
  const widths = [52, 9, 8, 7, 8, 7];
  const row = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(' ');
  const table = [
    head,
    row(['scenario (each in a fresh process)', 'seconds', 'M rows/s', 'MB/s', 'peak MB', 'spread']),
    ...lines.map(row),
    '',
    ...targets.map(([what, value, ok]) => `${ok ? 'PASS' : 'MISS'}  ${what}: ${value}`),
    '',
  ].join('\n');
  const md = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${input.date.toISOString().slice(0, 10)}. ${rows.toLocaleString('en-US')} generated rows (bench/generate.ts, seed 42), ${fmt(bytes / 1e6, 0)} MB, ${fmt(bytes / rows, 0)} bytes per row; median of ${input.repeat} rounds that run every scenario once each, in turn, so that load from elsewhere on a shared machine falls on all contenders alike (csv-parse: one run); every scenario in a fresh process; all contenders produced identical counts by (hour, ISP, IP) before these numbers were printed.`,
    '',
    `Machine: ${input.machine}.`,
    '',
    'Spread is (slowest - fastest) / median over the rounds: on a quiet machine a few percent; tens of percent mean the host was busy, and ratios between scenarios move as much.',
    '',
    '| scenario | seconds | M rows/s | MB/s | peak RSS MB | spread |',
    '|---|---:|---:|---:|---:|---:|',
    ...lines.map((c) => `| ${c.join(' | ')} |`),
    '',
    '## Targets',
    '',
    '| target | result | |',
    '|---|---|---|',
    ...targets.map(([what, value, ok]) => `| ${what} | ${value} | ${ok ? 'met' : 'missed'} |`),
    '',
    ...(analysis === '' ? [] : [analysis.trimEnd(), '']),
  ].join('\n');
  return { table, markdown: md };
}
