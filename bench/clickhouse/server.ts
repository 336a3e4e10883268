/**
 * A ClickHouse server for the load suite: Debian's clickhouse-server (18.16) started once per
 * `npm run bench` in a temporary directory on loopback ports, synchronously (a suite's scenarios()
 * is synchronous), and killed when the bench process exits. Null when clickhouse-server is not
 * installed (the suite then has no scenarios and its targets are n/a).
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
  /** Runs SQL with clickhouse-client (stdin from `input`, a file, when given); throws on failure. */
  sql(query: string, input?: string): string;
}

function port(): number {
  // a port in the dynamic range unlikely to be taken; the start is retried on another if not
  return 20000 + Math.floor(Math.random() * 20000);
}

export function startBenchClickHouse(): BenchClickHouse | null {
  if (!existsSync(SERVER) || !existsSync(CLIENT)) return null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-bench-ch-'));
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub));
    const http = port();
    const tcp = http + 1;
    writeFileSync(
      join(dir, 'users.xml'),
      `<?xml version="1.0"?><yandex><profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
<quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas></yandex>`,
    );
    writeFileSync(
      join(dir, 'config.xml'),
      `<?xml version="1.0"?><yandex>
<logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><console>0</console></logger>
<http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><interserver_http_port>${tcp + 1}</interserver_http_port><listen_host>127.0.0.1</listen_host>
<path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><user_files_path>${dir}/user_files/</user_files_path><format_schema_path>${dir}/format_schemas/</format_schema_path>
<users_config>${dir}/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
<mark_cache_size>268435456</mark_cache_size></yandex>`,
    );
    const child = spawn(SERVER, [`--config-file=${join(dir, 'config.xml')}`], { stdio: 'ignore' });
    // the bench process must be able to exit: the server is killed from its 'exit' handler
    child.unref();
    const stop = () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    process.on('exit', stop);
    const sql = (query: string, input?: string): string => {
      const r = spawnSync(
        input === undefined ? CLIENT : 'sh',
        input === undefined
          ? ['--host', '127.0.0.1', '--port', String(tcp), '--query', query]
          : ['-c', `exec "$0" --host 127.0.0.1 --port ${tcp} --query "$1" < "$2"`, CLIENT, query, input],
        { encoding: 'utf8', maxBuffer: 1 << 28 },
      );
      if (r.status !== 0) throw new Error(`clickhouse-client: ${r.stderr.trim()}`);
      return r.stdout;
    };
    for (let i = 0; i < 600; i++) {
      if (spawnSync(CLIENT, ['--host', '127.0.0.1', '--port', String(tcp), '--query', 'SELECT 1']).status === 0) {
        return { httpPort: http, tcpPort: tcp, url: (db) => `http://127.0.0.1:${http}/${db}`, sql };
      }
      spawnSync('sleep', ['0.1']);
      if (child.exitCode !== null) break;
    }
    process.off('exit', stop);
    stop();
  }
  return null;
}
