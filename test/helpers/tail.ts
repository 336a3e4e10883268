/** Running `pmta-acct tail` as a child process and reading what it counted back from its state. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT, runCli, type CliResult } from './cli.js';
import type { Expected } from './acct-writer.js';

export const FAST = ['--poll', '30', '--rotate-wait', '0.3', '--commit-interval', '50', '--no-watch'];

export function tailOnce(
  live: string,
  state: string,
  extra: readonly string[] = [],
  moreLive: readonly string[] = [],
  env: Record<string, string> = {},
): CliResult {
  return runCli(['tail', live, ...moreLive, '--state', state, '--once', '--format', 'ndjson', ...extra], { env });
}

/** $PMTA_ACCT_NOW for a date: the CLI's wall clock starts there (tiers, retention, verdict windows). */
export function nowAt(iso: string): Record<string, string> {
  return { PMTA_ACCT_NOW: String(Date.parse(iso) / 1000) };
}

/** A following tail; `--watch` in `extra` keeps the file watcher on (otherwise poll only). */
export function startTail(live: string, state: string, extra: readonly string[] = [], env: Record<string, string> = {}): ChildProcess {
  const watch = extra.includes('--watch');
  const args = [...FAST.filter((a) => !(watch && a === '--no-watch')), ...extra.filter((a) => a !== '--watch')];
  return spawn(process.execPath, [CLI, 'tail', live, '--state', state, '--format', 'ndjson', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.resume();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wait until `cond` holds (polling), at most `ms`; the tests then check counts, never times. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  const holds = () => {
    try {
      return cond();
    } catch {
      return false;
    }
  };
  while (!holds() && Date.now() < end) await sleep(50);
}

interface StateJson {
  input: { records: number; badRecords: number; problemCounts: Record<string, number>; gaps?: { file: string; missing: number }[] };
  total: Record<string, number>;
  groups: { key: { isp: string }; delivered: number; deferred: number; bounced: number; complaints: number }[];
}

export function stateReport(state: string): StateJson {
  const r = runCli(['report', '--state', state, '--format', 'json', '--exit-zero', '--by', 'isp']);
  if (r.code !== 0) throw new Error(`report --state: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StateJson;
}

/** What the state counted, in the shape of the writer's expectations. */
export function counted(state: string): Expected {
  const j = stateReport(state);
  const byIsp: Record<string, number> = {};
  for (const g of j.groups) byIsp[g.key.isp] = g.delivered + g.deferred + g.bounced + g.complaints;
  return {
    rows: j.input.records,
    delivered: j.total.delivered,
    deferred: j.total.deferred,
    bounced: j.total.bounced,
    hardBounced: j.total.hardBounced,
    complaints: j.total.complaints,
    deliveredBytes: j.total.deliveredBytes,
    byIsp,
  };
}
