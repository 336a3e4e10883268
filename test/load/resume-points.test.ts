import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pointAt, readResumePoints, resumePointsPath, usablePoint, writeResumePoints } from '../../src/app/load/resume-points.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmta-resume-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = ['type', 'timeLogged', 'rcpt'];
const must = <T>(v: T | null): T => {
  expect(v).not.toBeNull();
  return v as T;
};

describe('load resume points', () => {
  it('round-trips, one file per store and host', () => {
    const a = resumePointsPath('http://ch:8123\npmta', 'mx1', dir);
    expect(resumePointsPath('http://ch:8123\npmta', 'mx2', dir)).not.toBe(a);
    expect(resumePointsPath('http://ch:8123\nother', 'mx1', dir)).not.toBe(a);
    const file = join(dir, 'acct.csv');
    const text = 'type,timeLogged,rcpt\nd,2026-11-28 10:00:00+0000,a@x\n';
    writeFileSync(file, text);
    const p = must(pointAt(file, text.length, 3, HEADER));
    writeResumePoints(a, new Map([['id1', p]]));
    expect(readResumePoints(a)).toEqual(new Map([['id1', p]]));
  });

  it('a missing, unreadable or foreign file gives no points', () => {
    const path = join(dir, 'points.json');
    expect(readResumePoints(path).size).toBe(0);
    for (const text of ['not json', '[]', '{"version":2,"files":{}}', '{"version":1,"files":{"x":{"bytes":"1"}}}']) {
      writeFileSync(path, text);
      expect(readResumePoints(path).size, text).toBe(0);
    }
  });

  it('is used only where the ledger ends and the file still holds the bytes before it', () => {
    const file = join(dir, 'acct.csv');
    const head = 'type,timeLogged,rcpt\nd,2026-11-28 10:00:00+0000,a@x\n';
    writeFileSync(file, head);
    const p = must(pointAt(file, head.length, 3, HEADER));
    const points = new Map([['id1', p]]);
    appendFileSync(file, 'd,2026-11-28 10:01:00+0000,b@x\n');
    expect(usablePoint(points, 'id1', head.length, file)).toEqual(p);
    // the ledger moved on (a run killed after committing more), another file, or nothing loaded
    expect(usablePoint(points, 'id1', head.length + 31, file)).toBeNull();
    expect(usablePoint(points, 'id2', head.length, file)).toBeNull();
    expect(usablePoint(points, 'id1', 0, file)).toBeNull();
    // the file rewritten in place: the bytes before the point differ
    writeFileSync(file, head.replace('a@x', 'c@x'));
    expect(usablePoint(points, 'id1', head.length, file)).toBeNull();
  });

  it('is not taken after a last record without its line end', () => {
    const file = join(dir, 'acct.csv');
    writeFileSync(file, 'type,timeLogged,rcpt\nd,2026-11-28 10:00:00+0000,a@');
    expect(pointAt(file, 46, 2, HEADER)).toBeNull();
    expect(pointAt(file, 0, 1, null)).toBeNull();
  });
});
