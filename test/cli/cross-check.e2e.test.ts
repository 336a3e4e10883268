import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvParseRollup } from '../../bench/baselines/csv-parse-rollup.js';
import { firstDifference, fromReportJson, totalOf } from '../../bench/baselines/plain-rollup.js';
import { fixture, reportJson, ROOT } from '../helpers/cli.js';

/**
 * pmta-acct's counts against an independent reading of the same files: csv-parse, one object per
 * record, plain code (bench/baselines/csv-parse-rollup.ts). It shares only the ISP data.
 */
describe('counts equal an independent csv-parse reading', () => {
  it('on the sample day (plain and gzipped rotated files), by hour, ISP and IP', async () => {
    const dir = join(ROOT, 'samples');
    const files = readdirSync(dir)
      .filter((n) => n.startsWith('acct-'))
      .sort()
      .map((n) => join(dir, n));
    const expected = await csvParseRollup(files, 3600);
    const report = reportJson(['--by', 'isp,ip', '--bucket', '1h', dir]);
    expect(firstDifference(fromReportJson(report.groups), expected)).toBeNull();
    expect(report.input.records).toBe(6000);
    expect(totalOf(expected).delivered).toBeGreaterThan(4000);
  });

  it.each([
    'userguide-d-b-t.csv',
    'union-header.csv',
    'pipe-restart.csv',
    'quoting.csv',
    'legacy-timeimprinted.csv',
    'userguide-encoding-epoch.csv',
  ])('on fixture %s', async (name) => {
    const expected = await csvParseRollup([fixture('parse', name)], 3600);
    const report = reportJson(['--by', 'isp,ip', '--bucket', '1h', fixture('parse', name)]);
    expect(firstDifference(fromReportJson(report.groups), expected)).toBeNull();
  });
});
