import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/bin/pmta-acct.js', import.meta.url));

export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../fixtures/${parts.join('/')}`, import.meta.url));
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI (npm test builds first). */
export function runCli(args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 256 << 20,
    cwd: ROOT,
  });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export interface JsonGroup {
  bucket?: string | null;
  key: Record<string, string>;
  [counter: string]: unknown;
}

export interface JsonReport {
  version: number;
  input: Record<string, unknown> & {
    records: number;
    badRecords: number;
    problems: { code: string; file: string; line: number; byte: number }[];
  };
  total: Record<string, number | Record<string, unknown>>;
  groups: JsonGroup[];
  incidents: JsonIncident[];
}

export interface JsonIncident {
  level: string;
  rule: string;
  metric: string;
  scope: Record<string, string>;
  start: string;
  end: string;
  ongoing: boolean;
  seconds: number;
  windows: number;
  message: string;
  peak: { value: number; count: number; volume: number; window: { start: string; end: string; seconds: number }; message: string };
}

/** The JSON report; exit 1 and 2 are verdicts (WARN, CRIT), not failures. */
export function reportJson(args: readonly string[], input?: string | Buffer): JsonReport {
  const r = runCli(['report', '--format', 'json', ...args], { input });
  if (r.code > 2 || r.code < 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}
