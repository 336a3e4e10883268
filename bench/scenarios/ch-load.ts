/**
 * `pmta-acct load FILE` into the load suite's server as a host of its own (a fresh host loads the
 * whole file: the ledger is per host), so every round measures a full load. Args: CLI URL FILE.
 * Prints {"rows": N} (the records loaded), and load's peak RSS on stderr (the scenario is run without the hook).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [cli, url, file] = process.argv.slice(2);
const host = `run-${process.pid}-${Date.now()}`;
// The peak RSS is load's own (the hook in its process, its line passed on): this wrapper's, which
// the runner would measure, is a node that waits (41 MB, whatever load used).
const hook = fileURLToPath(new URL('../rss-hook.js', import.meta.url));
const r = spawnSync(process.execPath, ['--import', hook, cli, 'load', file, '--clickhouse', url, '--host', host, '--no-progress'], {
  encoding: 'utf8',
  env: { ...process.env },
  maxBuffer: 1 << 26,
});
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
const rss = /BENCH_MAXRSS_KB=\d+/.exec(r.stderr);
if (rss !== null) process.stderr.write(`\n${rss[0]}\n`);
const m = /load: ([\d,]+) records loaded/.exec(r.stdout);
console.log(JSON.stringify({ rows: Number((m?.[1] ?? '0').replace(/,/g, '')) }));
