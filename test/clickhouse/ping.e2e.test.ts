/**
 * The connection from the CLI: the version and whether it was tested, the password from the
 * environment or a file, and every fault in one line on stderr with exit 3 (no stack trace).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PASSWORD, PASSWORD_USER, startClickHouse, type ClickHouseSet } from '../helpers/clickhouse-server.js';

describe('pmta-acct clickhouse ping', () => {
  let set: ClickHouseSet;
  beforeAll(async () => {
    set = await startClickHouse();
  });
  afterAll(async () => {
    await set?.stop();
  });

  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  };

  it('say the version and that it was tested', () => {
    const r = runCli(['clickhouse', 'ping', '--clickhouse', set.servers[0].url('default')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ClickHouse 18\.16\.\d+ \(tested\) at http:\/\/127\.0\.0\.1:\d+\/default as default\n$/);
    expect(r.code).toBe(0);
  });

  it('take the URL from the environment and the password from it or from a file', () => {
    const url = set.servers[0].url('default', PASSWORD_USER);
    expect(runCli(['clickhouse', 'ping'], { env: { PMTA_ACCT_CLICKHOUSE: url, PMTA_ACCT_CLICKHOUSE_PASSWORD: PASSWORD } }).code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'pmta-chpw-')), 'pw');
    writeFileSync(file, `${PASSWORD}\n`);
    const r = runCli(['clickhouse', 'ping', '--clickhouse', url, '--clickhouse-password-file', file]);
    expect(r.stdout).toContain(`as ${PASSWORD_USER}`);
    expect(r.code).toBe(0);
    const wrong = runCli(['clickhouse', 'ping', '--clickhouse', url], { env: { PMTA_ACCT_CLICKHOUSE_PASSWORD: 'wrong-one' } });
    expect(wrong.code).toBe(3);
    oneLine(wrong.stderr);
    expect(wrong.stderr).toContain(`user '${PASSWORD_USER}' was refused`);
    expect(wrong.stderr).not.toContain('wrong-one');
  });

  it('answer every fault in one line with exit 3', async () => {
    const s = set.servers[0];
    const cases: [string, RegExp][] = [
      [s.url('no_such_db'), /database 'no_such_db' does not exist: run pmta-acct clickhouse init/],
      [`http://127.0.0.1:${s.tcpPort}/default`, /unexpected answer: .*is this ClickHouse's HTTP port/],
      ['http://127.0.0.1:1/default', /connection refused/],
      ['ftp://127.0.0.1/default', /is not http: or https:/],
      [`http://u:secret-word@127.0.0.1:${s.httpPort}/default`, /a password in the URL/],
    ];
    for (const [url, message] of cases) {
      const r = runCli(['clickhouse', 'ping', '--clickhouse', url]);
      expect(r.code, url).toBe(3);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('secret-word');
    }
  });
});
