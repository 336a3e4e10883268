/** The fleet bench's arithmetic (bench/fleet/plan.ts): names, ship lines, the copy SQL, the sizing. */
import { describe, expect, it } from 'vitest';
import { bytesText, fleetSizing, hostNames, parseShipLine, relabelSql } from '../../bench/fleet/plan.js';

describe('fleet bench plan', () => {
  it('names hosts so that they sort as numbered', () => {
    expect(hostNames(3)).toEqual(['mta-001', 'mta-002', 'mta-003']);
    expect(hostNames(2, 99)).toEqual(['mta-099', 'mta-100']);
    const many = hostNames(100);
    expect([...many].sort()).toEqual(many);
  });

  it("reads what ship's line says it sent, and refuses another line", () => {
    const line =
      'shipped 288 buckets (82334 groups, 12 withdrawn) of mta-01 to http://127.0.0.1:8123/pmta; acknowledged up to change 288, 0 pending\n';
    expect(parseShipLine(line)).toEqual({ buckets: 288, groups: 82334, withdrawn: 12 });
    expect(() => parseShipLine('pmta-acct: ClickHouse ...: refused')).toThrow(/not a ship line/);
  });

  it("copies one host's rows under other names, every other column as it is", () => {
    const sql = relabelSql('fleet_h100', 'heartbeats', ['host', 'shipped_at', 'version'], 'mta-001', ['mta-002', 'mta-003']);
    expect(sql).toBe(
      "INSERT INTO fleet_h100.heartbeats (host, shipped_at, version) SELECT _to, shipped_at, version FROM fleet_h100.heartbeats ARRAY JOIN ['mta-002', 'mta-003'] AS _to WHERE host = 'mta-001'",
    );
    expect(() => relabelSql('d', 't', ['host'], 'mta-001', ["x'; DROP TABLE t"])).toThrow(/not a host label/);
    expect(() => relabelSql('d', 't', ['name'], 'a', ['b'])).toThrow(/no host column/);
  });

  it('sizes a fleet: 5-minute days, and hourly rows for every day kept (written beside the 5-minute ones)', () => {
    const s = fleetSizing(100, { fine: 2e6, hour: 0.5e6 }, { fineDays: 7, hourDays: 35 });
    expect(s.fineBytes).toBe(100 * 7 * 2e6);
    expect(s.hourBytes).toBe(100 * 35 * 0.5e6);
    expect(s.bytes).toBe(1.4e9 + 1.75e9);
    expect(() => fleetSizing(1, { fine: 1, hour: 1 }, { fineDays: 7, hourDays: 1 })).toThrow();
    expect(bytesText(s.bytes)).toBe('3.1 GB');
    expect(bytesText(762_000)).toBe('762 kB');
    expect(bytesText(12)).toBe('12 B');
  });
});
