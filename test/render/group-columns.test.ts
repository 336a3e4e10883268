import { describe, expect, it } from 'vitest';
import { buildModel, type ReportModel } from '../../src/model/model.js';
import { GROUP_HEADS, groupCells } from '../../src/render/group-columns.js';
import { renderHtml } from '../../src/render/html/page.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderTable } from '../../src/render/table.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import type { Verdict } from '../../src/verdict/types.js';
import { at, rollupOf } from '../helpers/rollup.js';

function model(): ReportModel {
  const rollup = rollupOf(['isp', 'ip'], 3600, [
    { t: at(1), key: { isp: 'gmail', ip: '203.0.113.5' }, counts: { delivered: 900, deferred: 100, bounced: 10, hardBounced: 4 } },
    { t: at(2), key: { isp: 'yahoo', ip: '203.0.113.6' }, counts: { delivered: 500, complaints: 2 } },
  ]);
  const stats = { records: 1516, counted: 1516, filtered: 0, untimed: 0, unknownTypes: {}, firstEvent: at(1), lastEvent: at(2) };
  const m = buildModel(
    { rollup, stats, files: 1, bytes: 1000, badRecords: 0, warnings: 0, problemCounts: {}, problems: [] },
    { by: ['isp', 'ip'], bucket: null, since: null, until: null, tz: 'UTC', top: null },
  );
  return m;
}

function verdict(rule: string, level: Verdict['level'], volume: number, message: string): Verdict {
  return {
    level,
    rule,
    metric: 'deferral',
    scope: {},
    value: 0.1,
    threshold: 0.05,
    warn: 0.05,
    crit: 0.1,
    count: 1,
    volume,
    limit: null,
    window: { start: at(1), end: at(2), seconds: 3600 },
    message,
  };
}

describe('group table columns', () => {
  it('one row gives one cell per heading, rates highlighted by the rules', () => {
    const row = model().byIsp?.find((r) => r.key.isp === 'gmail');
    expect(row).toBeDefined();
    if (row === undefined) return;
    const cells = groupCells(row, BUILT_IN);
    expect(cells.map((c) => c.text)).toHaveLength(GROUP_HEADS.length);
    const deferral = cells[GROUP_HEADS.indexOf('Deferral')];
    expect(deferral.text).toBe('9.90%'); // 100 of 1,010 attempts
    expect(deferral.level).not.toBe('ok');
    expect(deferral.figure).toBe('deferralRate');
    expect(cells[GROUP_HEADS.indexOf('Hard')]).toMatchObject({ text: '4', level: 'ok', figure: 'hardBounced' });
  });

  it('the text table, Markdown and HTML show the same headings and cells', () => {
    const m = model();
    const md = renderMarkdown(m);
    const html = renderHtml(m);
    const table = renderTable(m);
    const row = m.byIsp?.find((r) => r.key.isp === 'gmail');
    if (row === undefined) throw new Error('no gmail row');
    expect(md).toContain(`| ISP | ${GROUP_HEADS.join(' | ')} |`);
    for (const h of GROUP_HEADS) expect(html).toContain(`<th>${h}</th>`);
    for (const c of groupCells(row, BUILT_IN)) {
      expect(md).toContain(c.text);
      expect(html).toContain(c.text);
      expect(table).toContain(c.text);
    }
  });
});

describe('verdicts in every renderer', () => {
  it('come in the order evaluate gave them (rule order before volume), in Markdown and HTML as in the table', () => {
    // evaluate's order: worst first, then rule order; the second rule's verdict has the bigger volume
    const verdicts = [verdict('first-rule', 'WARN', 10, 'first rule says so'), verdict('second-rule', 'WARN', 1000, 'second rule says so')];
    const m: ReportModel = { ...model(), verdicts: { end: at(2), status: 'WARN', verdicts, rules: BUILT_IN, pmtaConfig: null } };
    for (const text of [renderMarkdown(m), renderHtml(m), renderTable(m)]) {
      expect(text.indexOf('first rule says so')).toBeGreaterThan(0);
      expect(text.indexOf('first rule says so')).toBeLessThan(text.indexOf('second rule says so'));
    }
  });
});
