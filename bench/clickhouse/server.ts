/**
 * ClickHouse servers for the benches: Debian's clickhouse-server (18.16) started once per `npm run
 * bench` in temporary directories on loopback ports, synchronously (a suite's scenarios() is
 * synchronous), and killed when the bench process exits. `startBenchClickHouse()` is one server (the
 * load suite); `startBenchCluster(n, name)` is n servers that all know a cluster `name` whose shards
 * are these servers, one replica each (the fleet suite: a real two-shard Distributed set-up, as the
 * tests make with test/helpers/clickhouse-server.ts). Null when clickhouse-server is not installed
 * (the suite then has no scenarios and its targets are n/a).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = '/usr/sbin/clickhouse-server';
export const CLIENT = '/usr/bin/clickhouse-client';

export interface BenchClickHouse {
  readonly httpPort: number;
  readonly tcpPort: number;
  url(database: string): string;
  /**
   * Runs SQL with clickhouse-client (stdin from `input`, a file, when given; `settings` as its
   * --name=value options); throws on failure.
   */
  sql(query: string, input?: string, settings?: Readonly<Record<string, number>>): string;
}

interface Ports {
  readonly http: number;
  readonly tcp: number;
  readonly interserver: number;
}

/** n servers' ports from a random base in the dynamic range (a start is retried on another base). */
function ports(n: number): Ports[] {
  const base = 20000 + Math.floor(Math.random() * 20000);
  return Array.from({ length: n }, (_, i) => ({ http: base + 3 * i, tcp: base + 3 * i + 1, interserver: base + 3 * i + 2 }));
}

function writeConfig(dir: string, p: Ports, cluster: string | null, all: readonly Ports[]): void {
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?><yandex><profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
<quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas></yandex>`,
  );
  const shards = all.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`).join('');
  const remote = cluster === null ? '' : `<remote_servers><${cluster}>${shards}</${cluster}></remote_servers>`;
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?><yandex>
<logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><console>0</console></logger>
<http_port>${p.http}</http_port><tcp_port>${p.tcp}</tcp_port><interserver_http_port>${p.interserver}</interserver_http_port><listen_host>127.0.0.1</listen_host>
<path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path><format_schema_path>${dir}/format_schemas/</format_schema_path>
<users_config>${dir}/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
<mark_cache_size>268435456</mark_cache_size>${remote}</yandex>`,
  );
}

function client(tcp: number): BenchClickHouse['sql'] {
  return (query, input, settings = {}) => {
    const options = Object.entries(settings).map(([k, v]) => `--${k}=${v}`);
    const r = spawnSync(
      input === undefined ? CLIENT : 'sh',
      input === undefined
        ? ['--host', '127.0.0.1', '--port', String(tcp), ...options, '--query', query]
        : ['-c', `exec "$0" --host 127.0.0.1 --port ${tcp} ${options.join(' ')} --query "$1" < "$2"`, CLIENT, query, input],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    if (r.status !== 0) throw new Error(`clickhouse-client: ${r.stderr.trim()}`);
    return r.stdout;
  };
}

function answers(tcp: number): boolean {
  return spawnSync(CLIENT, ['--host', '127.0.0.1', '--port', String(tcp), '--query', 'SELECT 1']).status === 0;
}

/**
 * n servers, the shards of `cluster` when one is named; all of them answered `SELECT 1` when this
 * returns. Every server is killed and its directory removed when the bench process exits.
 */
export function startBenchCluster(n: number, cluster: string | null): BenchClickHouse[] | null {
  if (!existsSync(SERVER) || !existsSync(CLIENT)) return null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = mkdtempSync(join(tmpdir(), 'pmta-bench-ch-'));
    const all = ports(n);
    const children = all.map((p, i) => {
      const dir = join(root, `s${i}`);
      writeConfig(dir, p, cluster, all);
      const child = spawn(SERVER, [`--config-file=${join(dir, 'config.xml')}`], { stdio: 'ignore' });
      // the bench process must be able to exit: the servers are killed from its 'exit' handler
      child.unref();
      return child;
    });
    const stop = () => {
      for (const c of children) c.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    };
    process.on('exit', stop);
    const ready = all.map(() => false);
    for (let i = 0; i < 600 && !ready.every(Boolean); i++) {
      all.forEach((p, s) => {
        if (!ready[s]) ready[s] = answers(p.tcp);
      });
      if (ready.every(Boolean) || children.some((c) => c.exitCode !== null)) break;
      spawnSync('sleep', ['0.1']);
    }
    if (ready.every(Boolean)) {
      return all.map((p) => ({
        httpPort: p.http,
        tcpPort: p.tcp,
        url: (db: string) => `http://127.0.0.1:${p.http}/${db}`,
        sql: client(p.tcp),
      }));
    }
    process.off('exit', stop);
    stop();
  }
  return null;
}

/** One server (no cluster). */
export function startBenchClickHouse(): BenchClickHouse | null {
  return startBenchCluster(1, null)?.[0] ?? null;
}
