/**
 * ClickHouse servers for tests: Debian's clickhouse-server (18.16; .ci/run installs it) started as
 * the current user, each in its own temporary directory, on free loopback ports, with its own
 * config and users file. `startClickHouse({ servers: 2, cluster: 'fleet' })` gives two servers that
 * both know a two-shard cluster `fleet` (one replica each, over their TCP ports), which is a real
 * Distributed set-up on loopback. Servers can be killed (SIGKILL) and started again on the same
 * directory and ports, for fault tests. `stop()` ends them all and removes their directories.
 *
 * Users: `default` (no password) and `PASSWORD_USER` with `PASSWORD`, to test credentials.
 * Shared by the fleet tests (issue 14) and the records tests (issue 15).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SERVER_BINARY = '/usr/sbin/clickhouse-server';
export const PASSWORD_USER = 'pmta';
export const PASSWORD = 'not-a-real-secret';

/** Whether clickhouse-server is installed (CI installs it; tests fail with a clear message if not). */
export function clickHouseInstalled(): boolean {
  return existsSync(SERVER_BINARY);
}

export type Settings = Readonly<Record<string, string | number>>;

export interface ClickHouseServer {
  readonly index: number;
  readonly dir: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  /** `http://127.0.0.1:PORT/DATABASE` (the tool's URL form). */
  url(database: string, user?: string): string;
  /**
   * Runs SQL over HTTP as `default` (POST; `settings` as URL parameters: 18.16 has no INSERT ...
   * SETTINGS); resolves the response body, rejects on a non-200 answer.
   */
  sql(query: string, body?: string, settings?: Settings): Promise<string>;
  /** SIGKILL, as a crash: the directory stays; `start()` brings it back on the same ports. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  terminate(): Promise<void>;
  start(): Promise<void>;
  readonly running: boolean;
}

export interface ClickHouseSet {
  readonly servers: readonly ClickHouseServer[];
  /** The cluster name when asked for (all servers are its shards, in order), else null. */
  readonly cluster: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How many servers (default 1). */
  readonly servers?: number;
  /** Name of a cluster whose shards are these servers (one replica each). */
  readonly cluster?: string;
  /** Milliseconds to wait for each server to answer (default 60 s: 2 busy cores). */
  readonly readyTimeoutMs?: number;
}

/** A port the kernel says is free now (another process may still take it before the server binds). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function usersXml(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <${PASSWORD_USER}><password>${xmlEscape(PASSWORD)}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></${PASSWORD_USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

function configXml(
  dir: string,
  http: number,
  tcp: number,
  interserver: number,
  cluster: string | null,
  tcpPorts: readonly number[],
): string {
  const shards = tcpPorts.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('');
  const remote = cluster === null ? '' : `<remote_servers><${cluster}>${shards}</${cluster}></remote_servers>`;
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><console>0</console></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>0</uncompressed_cache_size>
  ${remote}
</yandex>
`;
}

/**
 * POST (a GET is read-only to ClickHouse): the query in the URL, the data in the body. One
 * connection per request: 18.16 closes idle keep-alive connections after a few seconds, and a
 * request sent on one it has just closed fails ("fetch failed") though the server is up, which
 * on busy cores made tests fail that had nothing wrong.
 */
function httpPost(port: number, query: string, body?: string, settings: Settings = {}): Promise<{ status: number; text: string }> {
  const params = new URLSearchParams({ query });
  for (const [k, v] of Object.entries(settings)) params.set(k, String(v));
  const data = Buffer.from(body ?? '', 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/?${params.toString()}`, method: 'POST', agent: false, headers: { 'content-length': data.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Server implements ClickHouseServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly index: number,
    readonly dir: string,
    readonly httpPort: number,
    readonly tcpPort: number,
    private readonly readyTimeoutMs: number,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  url(database: string, user?: string): string {
    return `http://${user === undefined ? '' : `${user}@`}127.0.0.1:${this.httpPort}/${database}`;
  }

  async sql(query: string, body?: string, settings?: Settings): Promise<string> {
    const r = await httpPost(this.httpPort, query, body, settings);
    if (r.status !== 200) throw new Error(`ClickHouse ${this.index} (${r.status}): ${r.text.trim()}`);
    return r.text;
  }

  async start(): Promise<void> {
    if (this.child !== null) return;
    const child = spawn(SERVER_BINARY, [`--config-file=${join(this.dir, 'config.xml')}`], { stdio: 'ignore', detached: false });
    this.child = child;
    // A test process that ends without afterAll (a failed hook, a timeout) takes its servers with it.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.removeListener('exit', orphan));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void this.exited.then(() => {
      gone = true;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      if (gone) throw new Error(`clickhouse-server ${this.index} exited at start: ${this.errorLog()}`);
      try {
        const r = await httpPost(this.httpPort, 'SELECT 1');
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(
          `clickhouse-server ${this.index} did not answer on port ${this.httpPort} within ${this.readyTimeoutMs} ms: ${this.errorLog()}`,
        );
      }
      await sleep(100);
    }
  }

  private errorLog(): string {
    const f = join(this.dir, 'log', 'error.log');
    if (!existsSync(f)) return '(no error log)';
    return readFileSync(f, 'utf8').trim().split('\n').slice(-3).join(' | ');
  }

  private async signal(sig: NodeJS.Signals, waitMs: number): Promise<void> {
    const child = this.child;
    if (child === null) return;
    child.kill(sig);
    const done = await Promise.race([this.exited.then(() => true), sleep(waitMs).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = null;
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL', 10_000);
  }

  terminate(): Promise<void> {
    return this.signal('SIGTERM', 15_000);
  }
}

/**
 * Starts `servers` ClickHouse servers (in parallel), optionally as the shards of a cluster. A server
 * that loses its port to another process between the choice and the bind is retried on new ports.
 */
export async function startClickHouse(options: StartOptions = {}): Promise<ClickHouseSet> {
  if (!clickHouseInstalled())
    throw new Error(`${SERVER_BINARY} is missing: apt-get install clickhouse-server clickhouse-client (.ci/run does)`);
  const n = options.servers ?? 1;
  const cluster = options.cluster ?? null;
  if (cluster !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) throw new Error(`bad cluster name ${cluster}`);
  const timeout = options.readyTimeoutMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    const root = mkdtempSync(join(tmpdir(), 'pmta-ch-'));
    const ports: number[] = [];
    const seen = new Set<number>();
    while (ports.length < n * 3) {
      const p = await freePort();
      if (!seen.has(p)) {
        seen.add(p);
        ports.push(p);
      }
    }
    const tcpPorts = Array.from({ length: n }, (_, i) => ports[i * 3 + 1]);
    const servers: Server[] = [];
    for (let i = 0; i < n; i++) {
      const dir = join(root, `s${i}`);
      for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'users.xml'), usersXml());
      writeFileSync(join(dir, 'config.xml'), configXml(dir, ports[i * 3], ports[i * 3 + 1], ports[i * 3 + 2], cluster, tcpPorts));
      servers.push(new Server(i, dir, ports[i * 3], ports[i * 3 + 1], timeout));
    }
    const stop = async () => {
      await Promise.all(servers.map((s) => s.terminate()));
      rmSync(root, { recursive: true, force: true });
    };
    try {
      await Promise.all(servers.map((s) => s.start()));
      return { servers, cluster, stop };
    } catch (err) {
      await stop();
      if (attempt >= 3) throw err;
    }
  }
}
