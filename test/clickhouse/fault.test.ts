/**
 * ClickHouse's failures as one line a person can act on (clickhouse/fault.ts): here the cases whose
 * text comes from the server, verbatim as 18.16 sends them.
 */
import { describe, expect, it } from 'vitest';
import { clickHouseFault } from '../../src/clickhouse/fault.js';

const AT = { username: 'default', database: 'pmta' };
const DISPLAY = 'http://127.0.0.1:8123/pmta';

describe('clickHouseFault', () => {
  it('names the shard a Distributed read could not reach (code 279 names it only on its later lines)', () => {
    const body = [
      'Code: 279, e.displayText() = DB::NetException: All connection tries failed. Log: ',
      '',
      'Code: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:29001), e.what() = DB::NetException',
      'Code: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:29001), e.what() = DB::NetException',
      '',
      ', e.what() = DB::NetException',
      '',
    ].join('\n');
    const f = clickHouseFault(new Error(body), DISPLAY, AT);
    expect(f.message).toBe(
      `ClickHouse ${DISPLAY}: server error 279: a server of the cluster did not answer: 127.0.0.1:29001 (connection refused); every shard must answer for the fleet's figures: start it (or correct remote_servers), then run this again`,
    );
    expect(f.message).not.toContain('\n');
    expect(f.transient).toBe(true);
    expect(f.serverCode).toBe(279);
  });

  it('names the shard a Distributed insert could not reach (ship retries it)', () => {
    const body =
      'Code: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:29001): Insertion status:\nWrote 0 blocks and 0 rows on shard 1 replica 0, 127.0.0.1:29001\n, e.what() = DB::NetException\n';
    const f = clickHouseFault(new Error(body), DISPLAY, AT);
    expect(f.message).toContain('a server of the cluster did not answer: 127.0.0.1:29001 (connection refused)');
    expect(f.transient).toBe(true);
  });

  it('keeps the first line of any other server error', () => {
    const f = clickHouseFault(
      new Error('Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1, e.what() = DB::Exception\n'),
      DISPLAY,
      AT,
    );
    expect(f.message).toBe(`ClickHouse ${DISPLAY}: server error 62: Syntax error: failed at position 1`);
    expect(f.transient).toBe(false);
  });
});
