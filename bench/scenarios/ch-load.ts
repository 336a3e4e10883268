/**
 * `pmta-acct load FILE` into the load suite's server as a host of its own (a fresh host loads the
 * whole file: the ledger is per host), so every round measures a full load. Args: CLI URL FILE.
 * Prints {"rows": N} (the records loaded).
 */
import { spawnSync } from 'node:child_process';

const [cli, url, file] = process.argv.slice(2);
const host = `run-${process.pid}-${Date.now()}`;
const r = spawnSync(process.execPath, [cli, 'load', file, '--clickhouse', url, '--host', host, '--no-progress'], {
  encoding: 'utf8',
  env: { ...process.env },
  maxBuffer: 1 << 26,
});
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
const m = /load: ([\d,]+) records loaded/.exec(r.stdout);
console.log(JSON.stringify({ rows: Number((m?.[1] ?? '0').replace(/,/g, '')) }));
