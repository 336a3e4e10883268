/**
 * The state scenario's inputs: a generated server, one day at a time, each day's rotated files
 * followed by `tail --once` with the clock set just after that day (PMTA_ACCT_NOW), as a tail
 * running all along would have left the state: recent buckets at 5 minutes, older ones in hours.
 * Copies of the state are kept after the days the scenario asks about (1, 14, 35 by default), and
 * every day's files stay, one directory per day, for the peers that read the files.
 */
import { spawnSync } from 'node:child_process';
import { benchEnvironment } from '../machine.js';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDay } from '../generate.js';

export interface Built {
  /** Day directories, oldest first (day 1 = index 0). */
  readonly days: readonly string[];
  /** State directory after day k, by k. */
  readonly states: ReadonlyMap<number, string>;
  /** The clock after day k (epoch seconds): an hour after the day's last record, on the hour. */
  readonly nowAfter: (k: number) => number;
  /** Seconds each daily `tail --once` took, and its peak RSS (MB). */
  readonly daily: readonly { seconds: number; rssMb: number }[];
  /** The live file the tail follows (only its header is left): `tail --once` on it ages a state copy. */
  readonly live: string;
}

const DAY = 86400;

/** `YYYY-MM-DD` of day k (1-based) of a server whose last day is `last`. */
function dateOf(k: number, total: number, lastDay: number): string {
  return new Date((lastDay - (total - k) * DAY) * 1000).toISOString().slice(0, 10);
}

export interface BuildOptions {
  readonly dir: string;
  readonly rows: number;
  readonly days: number;
  readonly keep: readonly number[];
  readonly cli: string;
  readonly hook: string;
  readonly log: (line: string) => void;
  /** The server's last day (`YYYY-MM-DD`); default yesterday (UTC). A built state is reused only for the same last day. */
  readonly lastDay?: string;
  /** More options of every daily `tail --once` (e.g. `--retain`); the build's directory is named after them. */
  readonly tail?: readonly string[];
  /** Keep every day's files for the peers that read them (default); false removes each day once followed. */
  readonly keepFiles?: boolean;
}

/** Run the CLI in a fresh process with the clock at `now`; its time and peak RSS. */
export function runCli(
  opts: { cli: string; hook: string },
  args: readonly string[],
  now: number,
): { seconds: number; rssMb: number; stdout: string; code: number; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', opts.hook, opts.cli, ...args], {
    env: { ...benchEnvironment().env, PMTA_ACCT_NOW: String(now), NO_COLOR: '1' },
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr.toString();
  const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: r.stdout.toString(), code: r.status ?? -1, stderr };
}

export async function build(o: BuildOptions): Promise<Built> {
  // The server's days end the day before today (the generator's days are at -0500), or on --last-day.
  const lastDay = o.lastDay === undefined ? Math.floor(Date.now() / 1000 / DAY) * DAY - DAY : Date.parse(`${o.lastDay}T00:00:00Z`) / 1000;
  if (!Number.isFinite(lastDay)) throw new Error(`--last-day ${o.lastDay ?? ''}: expected YYYY-MM-DD`);
  const nowAfter = (k: number) => Date.parse(`${dateOf(k, o.days, lastDay)}T00:00:00Z`) / 1000 + DAY + 6 * 3600;
  const extra = o.tail ?? [];
  const variant = extra.length === 0 ? '' : `-${extra.join('_').replace(/[^\w.=,-]+/g, '')}`;
  const stamp = `${o.rows}x${o.days}${variant}-${dateOf(o.days, o.days, lastDay)}`;
  // A cached state linked in from another checkout follows the log at its real path: a tail of
  // a copy of it must name the same file.
  const named = join(o.dir, `state-${stamp}`);
  const root = existsSync(named) ? realpathSync(named) : named;
  const days = Array.from({ length: o.days }, (_, i) => join(root, 'days', `day-${String(i + 1).padStart(2, '0')}`));
  const states = new Map(o.keep.map((k) => [k, join(root, 'states', `after-${k}`)]));
  const done = join(root, 'built');
  const daily: { seconds: number; rssMb: number }[] = [];
  const logs = join(root, 'logs');
  const live = join(logs, 'acct.csv');
  if (existsSync(done)) {
    o.log(`state scenario: reusing ${root}`);
    return { days, states, nowAfter, daily, live };
  }
  rmSync(root, { recursive: true, force: true });
  const state = join(root, 'state');
  mkdirSync(logs, { recursive: true });
  writeFileSync(live, 'type,timeLogged\r\n');
  for (let k = 1; k <= o.days; k++) {
    const date = dateOf(k, o.days, lastDay);
    o.log(`state scenario: day ${k}/${o.days} (${date}, ${o.rows.toLocaleString('en-US')} rows)`);
    const paths = await writeDay(days[k - 1], { rows: o.rows, date, files: 24, seed: 42 + k });
    // The files the tail follows are links to the day's files, which the file peers read.
    for (const p of paths) linkSync(p, join(logs, p.slice(days[k - 1].length + 1)));
    const r = runCli(o, ['tail', live, '--state', state, '--once', '--from', 'beginning', '--format', 'ndjson', ...extra], nowAfter(k));
    if (r.code !== 0) throw new Error(`tail --once after day ${k} failed (${r.code}):\n${r.stderr}`);
    daily.push({ seconds: r.seconds, rssMb: r.rssMb });
    // PowerMTA's archive job: the tail has read them; its state no longer needs them.
    for (const p of paths) rmSync(join(logs, p.slice(days[k - 1].length + 1)));
    if (o.keepFiles === false) rmSync(days[k - 1], { recursive: true, force: true });
    const copy = states.get(k);
    if (copy !== undefined) {
      mkdirSync(copy, { recursive: true });
      for (const f of readdirSync(state).filter((n) => n.startsWith('state.db'))) copyFileSync(join(state, f), join(copy, f));
    }
  }
  writeFileSync(done, new Date().toISOString());
  return { days, states, nowAfter, daily, live };
}
