import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDay } from '../../bench/generate.js';
import { EMPTY_CONFIG } from '../../src/config/config-file.js';
import { renderJson } from '../../src/render/json.js';
import { runReport } from '../../src/app/report/report.js';
import type { ReportRequest } from '../../src/app/sources/files.js';
import type { GroupRow } from '../../src/model/rows.js';

/** JSON and CSV skip the views beside the groups (ModelOptions.views): nothing they show changes. */
describe('a report model without its views', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pmta-views-'));
    await writeDay(dir, { rows: 3000, files: 2, gzip: [], seed: 3 });
  });

  const request = (views: boolean | undefined): ReportRequest => ({
    inputs: [dir],
    by: ['isp', 'ip'],
    alsoBy: [],
    bucket: '1h',
    since: null,
    until: null,
    tz: 'UTC',
    top: null,
    config: EMPTY_CONFIG,
    hardCategories: null,
    header: null,
    strict: false,
    threads: 1,
    views,
  });

  it('has the same total and groups, and the same JSON, as the full model', async () => {
    const full = await runReport(request(undefined));
    const lean = await runReport(request(false));
    expect(full.byIsp?.length).toBeGreaterThan(1);
    expect(full.series.length).toBeGreaterThan(1);
    expect(lean.byIsp).toBeNull();
    expect(lean.byIp).toBeNull();
    expect(lean.series).toEqual([]);
    expect(lean.ispSeries).toEqual([]);
    expect(lean.byKey).toEqual([]);
    expect(lean.total).toEqual(full.total);
    // without the views, rows make their figures when read (rows.ts): the same figures
    const plain = (rows: readonly GroupRow[]) =>
      rows.map((r) => ({ bucket: r.bucket, key: r.key, counts: r.counts, rates: r.rates, latency: r.latency }));
    expect(plain(lean.groups)).toEqual(full.groups);
    expect(renderJson(lean)).toBe(renderJson(full));
  });
});
