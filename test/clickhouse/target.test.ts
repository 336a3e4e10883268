import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PmtaAcctError } from '../../src/errors.js';
import { parseClickHouseUrl, resolvePassword, resolveTarget } from '../../src/clickhouse/target.js';
import { checkIdentifier, sqlLabel, sqlLabels } from '../../src/clickhouse/sql.js';
import { clickHouseFault } from '../../src/clickhouse/fault.js';
import { isTested, parseVersion, versionNote } from '../../src/clickhouse/version.js';

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(PmtaAcctError);
    return (err as PmtaAcctError).message;
  }
  throw new Error('did not throw');
}

describe('ClickHouse URL', () => {
  it('take scheme, user, host, port and database', () => {
    expect(parseClickHouseUrl('http://ch1:8123/pmta')).toEqual({
      endpoint: 'http://ch1:8123',
      database: 'pmta',
      username: 'default',
      display: 'http://ch1:8123/pmta',
    });
    expect(parseClickHouseUrl('https://ops@ch.example.net/fleet_1/')).toEqual({
      endpoint: 'https://ch.example.net:8443',
      database: 'fleet_1',
      username: 'ops',
      display: 'https://ops@ch.example.net:8443/fleet_1',
    });
    expect(parseClickHouseUrl('http://[::1]/pmta').endpoint).toBe('http://[::1]:8123');
  });

  it('refuse a password in the URL without showing it', () => {
    const m = usageMessage(() => parseClickHouseUrl('http://ops:hunter2@ch:8123/pmta'));
    expect(m).not.toContain('hunter2');
    expect(m).toContain('PMTA_ACCT_CLICKHOUSE_PASSWORD');
  });

  it('refuse other schemes, missing or bad databases, query strings', () => {
    expect(usageMessage(() => parseClickHouseUrl('tcp://ch:9000/pmta'))).toContain("'tcp:' is not http: or https:");
    expect(usageMessage(() => parseClickHouseUrl('http://ch:8123'))).toContain('name the database');
    expect(usageMessage(() => parseClickHouseUrl('http://ch:8123/a/b'))).toContain('not one database name');
    expect(usageMessage(() => parseClickHouseUrl("http://ch:8123/pm'ta"))).toContain('not a plain name');
    expect(usageMessage(() => parseClickHouseUrl('http://ch:8123/pmta?user=x'))).toContain('no query string');
    expect(usageMessage(() => parseClickHouseUrl('ch:8123'))).toContain('http');
  });

  it('take the password from the environment, else the first line of a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-chpw-'));
    const file = join(dir, 'pw');
    writeFileSync(file, 's3cret\nignored\n');
    expect(resolvePassword({ env: {} })).toBe('');
    expect(resolvePassword({ env: { PMTA_ACCT_CLICKHOUSE_PASSWORD: 'env' }, passwordFile: file })).toBe('env');
    expect(resolvePassword({ env: {}, passwordFile: file })).toBe('s3cret');
    expect(resolvePassword({ env: { PMTA_ACCT_CLICKHOUSE_PASSWORD_FILE: file } })).toBe('s3cret');
    expect(usageMessage(() => resolvePassword({ env: {}, passwordFile: join(dir, 'missing') }))).toContain(
      'cannot read the ClickHouse password file',
    );
    expect(resolveTarget(undefined, { env: {} })).toBeNull();
    expect(resolveTarget(undefined, { env: { PMTA_ACCT_CLICKHOUSE: 'http://h:1/d', PMTA_ACCT_CLICKHOUSE_PASSWORD: 'p' } })).toMatchObject({
      database: 'd',
      password: 'p',
    });
    expect(resolveTarget('http://o:2/e', { env: { PMTA_ACCT_CLICKHOUSE: 'http://h:1/d' } })).toMatchObject({ database: 'e' });
  });
});

describe('SQL text', () => {
  it('check identifiers and labels instead of escaping them', () => {
    expect(checkIdentifier('pmta_1', 'db')).toBe('pmta_1');
    for (const bad of ['1db', 'a-b', 'a b', "a'", '', 'x'.repeat(65)]) expect(() => checkIdentifier(bad, 'db')).toThrow(PmtaAcctError);
    expect(sqlLabel('mta-01.example.net', 'host')).toBe("'mta-01.example.net'");
    expect(sqlLabels(['a', '2001:db8::1'], 'x')).toBe("'a', '2001:db8::1'");
    for (const bad of ["a'b", 'a\\b', 'a b', '', 'é']) expect(() => sqlLabel(bad, 'host')).toThrow(/may hold only/);
  });
});

describe('ClickHouse faults', () => {
  const ctx = { username: 'ops', database: 'pmta' };
  it('name the cause in one line and say whether a retry may help', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const f = clickHouseFault(refused, 'http://h:1/pmta', ctx);
    expect(f.message).toBe('ClickHouse http://h:1/pmta: connection refused (is clickhouse-server running and listening on that port?)');
    expect(f.transient).toBe(true);
    expect(f.code).toBe('CLICKHOUSE');
    const table = clickHouseFault(
      new Error("Code: 60, e.displayText() = DB::Exception: Table pmta.buckets doesn't exist., e.what() = DB::Exception\n"),
      'U',
      ctx,
    );
    expect(table.message).toBe("ClickHouse U: Table pmta.buckets doesn't exist: run pmta-acct clickhouse init --clickhouse URL");
    expect(table.transient).toBe(false);
    const modern = clickHouseFault(
      new Error('Code: 516. DB::Exception: ops: Authentication failed. (AUTHENTICATION_FAILED) (version 24.3.1.1)'),
      'U',
      ctx,
    );
    expect(modern.message).toContain("user 'ops' was refused (ops: Authentication failed. (AUTHENTICATION_FAILED)");
    expect(clickHouseFault(new Error('Code: 252, e.displayText() = DB::Exception: Too many parts'), 'U', ctx).transient).toBe(true);
    expect(clickHouseFault(new Error('Timeout error.'), 'U', ctx).transient).toBe(true);
    expect(clickHouseFault(new Error('<html>\r\nnot found'), 'U', ctx).message).toBe(
      "ClickHouse U: unexpected answer: <html> (is this ClickHouse's HTTP port?)",
    );
  });
});

describe('server versions', () => {
  it('parse, and say which were tested', () => {
    expect(parseVersion('18.16.1')).toEqual({ text: '18.16.1', major: 18, minor: 16 });
    expect(parseVersion('nope')).toBeNull();
    expect(isTested(parseVersion('18.16.1') ?? { text: '', major: 0, minor: 0 })).toBe(true);
    expect(versionNote(parseVersion('24.8.4.13') ?? { text: '', major: 0, minor: 0 })).toContain('tested with 18.16.1');
  });
});
