/**
 * Prometheus' promtool (Debian's `prometheus` package; .ci/run installs it) and what the tests
 * feed it: metrics scraped from the real exporter (TailMetrics) after a real tail counted real
 * records into a state, as promtool input series.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMPTY_CONFIG } from '../../src/config/config-file.js';
import { RECORDS_READ_METRIC } from '../../src/monitoring/metric-names.js';
import { TailMetrics } from '../../src/app/tail/metrics.js';
import { DEFAULT_RETAIN } from '../../src/state/tiers.js';
import { TailSession } from '../../src/app/tail/tail-session.js';
import { HEADER } from './acct-writer.js';

export interface ToolResult {
  readonly code: number;
  readonly out: string;
}

export function promtool(args: readonly string[], cwd: string): ToolResult {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw new Error(`promtool: ${r.error.message} (Debian: apt-get install prometheus; .ci/run does)`);
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples of a text exposition (label values unescaped). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** A series selector as promtool's input_series takes it. */
export function seriesName(name: string, labels: Readonly<Record<string, string>>): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${name}{${l}}`;
}

/** One accounting record, timeLogged `t` (epoch seconds). */
export function acctRow(type: string, domain: string, ip: string, t: number, bounceCat = ''): string {
  const iso = new Date(t * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '+0000');
  const vmta = `vmta-${ip.split('.').pop() ?? ''}`;
  return [
    type,
    iso,
    iso,
    'news@sender.example',
    `someone@${domain}`,
    type === 'd' ? 'relayed' : 'failed',
    type === 'd' ? '2.0.0' : '4.0.0',
    'smtp;250 ok',
    `mx.${domain}`,
    bounceCat,
    ip,
    type === 'd' ? '2000' : '',
    vmta,
    'job',
    'pool-a',
    `${domain}/${vmta}`,
  ].join(',');
}

/** Rows of a scenario: [type, domain, ip, how many, bounceCat]. */
export type RowSpec = readonly [type: string, domain: string, ip: string, n: number, cat?: string];

export function rowsOf(specs: readonly RowSpec[], t: number): string[] {
  return specs.flatMap(([type, domain, ip, n, cat]) => Array.from({ length: n }, () => acctRow(type, domain, ip, t, cat)));
}

/**
 * Count rows with tail (in-process, the CLI's TailSession) into a new state, and scrape its
 * exporter twice: the first scrape shows new series at 0, the second with their counts.
 */
export async function countAndScrape(dir: string, rows: readonly string[]): Promise<{ state: string; first: Sample[]; second: Sample[] }> {
  mkdirSync(dir, { recursive: true });
  const live = join(dir, 'acct.csv');
  writeFileSync(live, `${[HEADER, ...rows].join('\r\n')}\r\n`);
  const state = join(dir, 'state');
  const metrics = new TailMetrics(['isp', 'ip', 'vmta', 'pool']);
  const session = await TailSession.open(
    {
      stateDir: state,
      create: { dims: ['isp', 'ip', 'vmta', 'pool'], bucket: '5m', tz: 'UTC', live: resolve(live), since: null },
      explicit: new Set(),
      rotatedDirs: [],
      from: 'beginning',
      once: true,
      retain: DEFAULT_RETAIN,
      commitInterval: 1000,
      commitRows: 10_000,
      rotateWait: 0,
      scanInterval: 0,
      config: EMPTY_CONFIG,
      hardCategories: null,
      chunkSize: 65536,
    },
    { notice: () => undefined, gap: () => undefined, committed: (d) => metrics.add(d) },
  );
  try {
    await session.run(0);
  } finally {
    session.close();
  }
  const first = parseExposition(await metrics.text());
  const second = parseExposition(await metrics.text());
  return { state, first, second };
}

/** promtool's timeline of these tests: 5-minute scrapes, judged at 24h (every window fits). */
export const STEP = 300;
export const END = 86400;

/**
 * Two scrapes as promtool input series ending at END: a series appears at the first scrape (at 0
 * when it is new), has its count at the second; the records-read counter was there (at 0) before.
 */
export function inputSeries(first: readonly Sample[], second: readonly Sample[], instance: string): { series: string; values: string }[] {
  return second.map((sample) => {
    const labels = { ...sample.labels, instance, job: 'pmta-acct' };
    const before = sample.name === RECORDS_READ_METRIC ? `0x${END / STEP - 2}` : `_x${END / STEP - 1}`;
    const was = first.find((f) => f.name === sample.name && JSON.stringify(f.labels) === JSON.stringify(sample.labels));
    return { series: seriesName(sample.name, labels), values: `${before} ${was === undefined ? '_' : was.value} ${sample.value}` };
  });
}
