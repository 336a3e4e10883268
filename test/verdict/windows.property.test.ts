import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDay } from '../../bench/generate.js';
import { EMPTY_CONFIG } from '../../src/config/config-file.js';
import { runReport } from '../../src/app/report/report.js';
import type { ReportRequest } from '../../src/app/sources/files.js';
import { planVerdicts } from '../../src/verdict/plan.js';
import type { RateRule, RuleSet, SilenceRule } from '../../src/verdict/types.js';

/**
 * The verdict rollup (fine buckets, pruned, counted in the same pass as the report) must count
 * exactly what a plain report over the window's span counts, wherever the window ends: on a
 * bucket edge or not, inside the day or after it, on 5-minute or 1-minute buckets.
 */
describe('verdict windows against report ranges (generated day)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pmta-windows-'));
    await writeDay(dir, { rows: 8000, files: 3, gzip: [0], seed: 7 });
  });

  const base = (over: Partial<ReportRequest>): ReportRequest => ({
    inputs: [dir],
    by: [],
    alsoBy: [],
    bucket: null,
    since: null,
    until: null,
    tz: 'UTC',
    top: null,
    config: EMPTY_CONFIG,
    hardCategories: null,
    header: null,
    strict: false,
    threads: 1,
    ...over,
  });

  const dayStart = Date.UTC(2026, 10, 28, 5) / 1000;

  it('gives each window the counts of a report over [window start, end)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 26 * 3600 }),
        fc.constantFrom(300, 900, 3600, 5400, 86400, 420),
        fc.boolean(),
        async (offset, window, onEdge) => {
          const at = onEdge ? dayStart + offset - (offset % 300) : dayStart + offset;
          const deferral: RateRule = {
            name: 'd',
            metric: 'deferral',
            scope: { dim: null, value: null },
            window,
            warn: 0.5,
            crit: null,
            minVolume: 0,
            perfdata: true,
            origin: null,
          };
          const perIsp: RateRule = { ...deferral, name: 'i', scope: { dim: 'isp', value: 'gmail' } };
          const silence: SilenceRule = {
            name: 's',
            metric: 'silence',
            scope: { dim: null, value: null },
            window,
            level: 'CRIT',
            minVolume: 0,
            hours: null,
            perfdata: true,
            origin: null,
          };
          const rules: RuleSet = { rules: [deferral, perIsp, silence], tz: 'UTC', file: null };
          const judged = await runReport(base({ verdicts: planVerdicts(rules, null, at) }));
          const verdicts = judged.verdicts?.verdicts ?? [];
          const sil = verdicts.find((v) => v.rule === 's');
          expect(sil).toBeDefined();
          const start = sil?.window.start ?? 0;
          const size = window % 300 === 0 ? 300 : 60;
          expect(start).toBe(at - window - ((((at - window) % size) + size) % size));
          expect(sil?.window.end).toBe(at);
          const plain = await runReport(base({ by: ['isp'], since: start, until: at }));
          const c = plain.total.counts;
          expect(sil?.count).toBe(c.delivered);
          const d = verdicts.find((v) => v.rule === 'd');
          const attempts = c.delivered + c.bounced + c.deferred;
          expect(d === undefined ? 0 : d.volume).toBe(attempts);
          expect(d === undefined ? 0 : d.count).toBe(attempts === 0 ? 0 : c.deferred);
          const g = plain.byIsp?.find((r) => r.key.isp === 'gmail')?.counts;
          const gv = verdicts.find((v) => v.rule === 'i');
          expect(gv === undefined ? 0 : gv.count).toBe(g === undefined ? 0 : g.deferred);
        },
      ),
      { numRuns: 20, seed: 20261128 },
    );
  });

  it('ends the windows one second after the latest event without --at', async () => {
    const rules: RuleSet = {
      rules: [
        {
          name: 's',
          metric: 'silence',
          scope: { dim: null, value: null },
          window: 3600,
          level: 'CRIT',
          minVolume: 0,
          hours: null,
          perfdata: true,
          origin: null,
        },
      ],
      tz: 'UTC',
      file: null,
    };
    const m = await runReport(base({ verdicts: planVerdicts(rules, null, null) }));
    expect(m.verdicts?.end).toBe((m.input.lastEvent ?? 0) + 1);
    const last = await runReport(base({ since: m.verdicts?.verdicts[0].window.start ?? 0 }));
    expect(m.verdicts?.verdicts[0].count).toBe(last.total.counts.delivered);
  });
});
