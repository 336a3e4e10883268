/**
 * The peer a ClickHouse user would use: clickhouse-client's own CSV import of the same plain file
 * into a plain MergeTree table of String columns (one per header column), made fresh each run.
 * Args: PORT FILE. Prints {"rows": N}.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
const client = (query: string, stdin?: number) => {
  const r = spawnSync('/usr/bin/clickhouse-client', ['--host', '127.0.0.1', '--port', port, '--query', query], {
    encoding: 'utf8',
    stdio: [stdin ?? 'ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
};
const head = Buffer.alloc(64 << 10);
const fd = openSync(file, 'r');
readSync(fd, head, 0, head.length, 0);
closeSync(fd);
const names = head.toString('latin1').split('\n', 1)[0].trim().split(',');
const table = `csv_${process.pid}`;
client('CREATE DATABASE IF NOT EXISTS bench_csv');
client(`CREATE TABLE bench_csv.${table} (${names.map((_, i) => `c${i} String`).join(', ')}) ENGINE = MergeTree() ORDER BY tuple()`);
const input = openSync(file, 'r');
client(`INSERT INTO bench_csv.${table} FORMAT CSVWithNames`, input);
closeSync(input);
const rows = Number(client(`SELECT count() FROM bench_csv.${table}`).trim());
client(`DROP TABLE bench_csv.${table}`);
console.log(JSON.stringify({ rows }));
