/**
 * ship's change log in a tail state (src/state/ship-log.ts): once ship installed it, tail's commits
 * still add to buckets already logged (every live commit does), each logging the bucket again with
 * a higher sequence; a state whose triggers an earlier release made with INSERT OR REPLACE (which
 * made those commits fail as UNIQUE violations) gets them made again by the next ship. An insert
 * attempt's version comes from the same sequence: above what it sends, below what changes later.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateVersion, installShipLog } from '../../src/state/ship-log.js';
import { openStateForReading } from '../../src/state/state-db.js';
import { HEADER } from '../helpers/acct-writer.js';
import { acctRow } from '../helpers/promtool.js';
import { nowAt, tailOnce } from '../helpers/tail.js';

const T = Date.parse('2026-11-02T10:00:00Z') / 1000;

function logged(state: string): { grain: string; bucket: number; seq: number }[] {
  const s = openStateForReading(state);
  try {
    return s.db.prepare('SELECT grain, bucket, seq FROM ship_changes ORDER BY grain, bucket').all() as {
      grain: string;
      bucket: number;
      seq: number;
    }[];
  } finally {
    s.close();
  }
}

function install(state: string, before?: (db: ReturnType<typeof openStateForReading>['db']) => void): boolean {
  const s = openStateForReading(state, { writable: true });
  try {
    before?.(s.db);
    return installShipLog(s.db, s.config);
  } finally {
    s.close();
  }
}

function tailed(live: string, state: string, at: number): void {
  appendFileSync(live, `${acctRow('d', 'gmail.com', '10.0.0.1', at)}\n`);
  const r = tailOnce(live, state, ['--from', 'beginning'], [], nowAt('2026-11-02T11:00:00Z'));
  expect(r.code, r.stderr).toBe(0);
}

describe("ship's change log under tail's commits", () => {
  it('logs a bucket again, with a higher sequence, each time a commit adds to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-ship-log-'));
    const live = join(dir, 'acct.csv');
    const state = join(dir, 'state');
    writeFileSync(live, `${HEADER}\n`);
    tailed(live, state, T);
    expect(install(state)).toBe(true);
    // Each commit writes the 5-minute bucket and its hour (days only as hours age out).
    const first = logged(state);
    expect(first).toEqual([
      { grain: '1h', bucket: T, seq: 2 },
      { grain: '5m', bucket: T, seq: 1 },
    ]);
    // The same 5-minute bucket again, then a new one: both commits succeed and are logged.
    tailed(live, state, T + 60);
    expect(logged(state)).toEqual([
      { grain: '1h', bucket: T, seq: 4 },
      { grain: '5m', bucket: T, seq: 3 },
    ]);
    tailed(live, state, T + 300);
    expect(logged(state)).toEqual([
      { grain: '1h', bucket: T, seq: 6 },
      { grain: '5m', bucket: T, seq: 3 },
      { grain: '5m', bucket: T + 300, seq: 5 },
    ]);
    expect(install(state)).toBe(false);
    // An insert attempt's version: above every change it sends, never given twice, below every later change.
    const attempt = () => {
      const s = openStateForReading(state, { writable: true });
      try {
        return allocateVersion(s.db);
      } finally {
        s.close();
      }
    };
    const v1 = attempt();
    const v2 = attempt();
    expect(v1).toBeGreaterThan(6);
    expect(v2).toBeGreaterThan(v1);
    tailed(live, state, T + 360);
    expect(logged(state).find((c) => c.grain === '5m' && c.bucket === T + 300)?.seq).toBeGreaterThan(v2);
  });

  it('makes again the triggers an earlier release made with INSERT OR REPLACE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-ship-log-'));
    const live = join(dir, 'acct.csv');
    const state = join(dir, 'state');
    writeFileSync(live, `${HEADER}\n`);
    tailed(live, state, T);
    install(state);
    // What the earlier release installed on tier 0's updates.
    const s = openStateForReading(state, { writable: true });
    s.db.exec(`DROP TRIGGER ship_0_upd;
      CREATE TRIGGER ship_0_upd AFTER UPDATE ON buckets WHEN NEW.bucket <> -1 BEGIN INSERT OR REPLACE INTO ship_changes (grain, bucket) VALUES ('5m', NEW.bucket); END;`);
    s.close();
    appendFileSync(live, `${acctRow('d', 'gmail.com', '10.0.0.1', T + 60)}\n`);
    expect(tailOnce(live, state, [], [], nowAt('2026-11-02T11:00:00Z')).stderr).toContain('UNIQUE constraint failed');
    expect(install(state)).toBe(false);
    const r = tailOnce(live, state, [], [], nowAt('2026-11-02T11:00:00Z'));
    expect(r.code, r.stderr).toBe(0);
    expect(logged(state)).toEqual([
      { grain: '1h', bucket: T, seq: 4 },
      { grain: '5m', bucket: T, seq: 3 },
    ]);
  });
});
