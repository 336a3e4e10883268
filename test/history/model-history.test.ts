import { describe, expect, it } from 'vitest';
import { ModelHistory } from '../../src/history/model-history.js';
import { compareReport } from '../../src/app/report/compare.js';
import { buildModel, type ReportModel } from '../../src/model/model.js';
import { emptyStats } from '../../src/engine/options.js';
import { DELIVERED, DEFERRED } from '../../src/rollup/counters.js';
import { Rollup, NO_BUCKET } from '../../src/rollup/rollup.js';

const DAY = 86400;
const D0 = Date.UTC(2026, 10, 28) / 1000;

/** A one-day model with `delivered` gmail deliveries and `deferred` deferrals. */
function model(since: number, delivered: number, deferred: number): ReportModel {
  const r = new Rollup(['isp', 'ip']);
  r.key[0] = r.bucketId(NO_BUCKET);
  r.key[1] = r.dicts[0].id('gmail');
  r.key[2] = r.dicts[1].id('203.0.113.5');
  const g = r.group();
  for (let i = 0; i < delivered; i++) r.count(g, DELIVERED, false, 0);
  for (let i = 0; i < deferred; i++) r.count(g, DEFERRED, false, 0);
  const stats = { ...emptyStats(), firstEvent: since, lastEvent: since + DAY - 1 };
  return buildModel(
    { rollup: r, stats, files: 1, bytes: 0, badRecords: 0, warnings: 0, problemCounts: {}, problems: [] },
    { by: ['isp', 'ip'], bucket: null, since, until: since + DAY, tz: 'UTC', top: null },
  );
}

describe('ModelHistory (the seam for tail state)', () => {
  it('answers --compare from any function that models a period', async () => {
    const asked: number[] = [];
    const history = new ModelHistory('a test source', (since) => {
      asked.push(since);
      const day = Math.round((D0 - since) / DAY);
      return day === 3 ? null : model(since, 100 * day, day);
    });
    const c = await compareReport(model(D0, 500, 5), '7d', history);
    expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => D0 - k * DAY));
    expect(c.periods.map((p) => p.found)).toEqual([true, true, false, true, true, true, true]);
    expect(c.notes).toEqual(['a test source does not cover 2026-11-25T00:00:00Z to 2026-11-26T00:00:00Z']);
    expect(c.total?.delivered).toBe(450);
    expect(c.isp.get('gmail')?.deferred).toBe(4.5);
    expect(c.ip.get('203.0.113.5')?.delivered).toBe(450);
    expect(c.source).toBe('a test source');
  });
});
