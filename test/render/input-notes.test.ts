/**
 * What the human formats say about the input (render/input-notes.ts): one list for the table,
 * Markdown and HTML, so that a nightly report mailed as Markdown or HTML says DATA LOST (a state's
 * gaps) and the records left out, as the table does; counts of one read as one.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, type GapInfo, type ReportModel } from '../../src/model/model.js';
import { renderHtml } from '../../src/render/html/page.js';
import { inputNotes } from '../../src/render/input-notes.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderTable } from '../../src/render/table.js';
import { at, rollupOf } from '../helpers/rollup.js';

const GAP: GapInfo = {
  path: '/var/log/pmta/acct-2026-11-28-0003.csv',
  offset: 4096,
  size: 10000,
  missing: 5904,
  reason: 'deleted while tail was stopped, 5,904 bytes unread',
  detectedAt: at(3),
};

function model(over: { filtered?: number; untimed?: number; unknown?: Record<string, number>; gaps?: GapInfo[] }): ReportModel {
  const rollup = rollupOf(['isp'], 3600, [{ t: at(1), key: { isp: 'gmail' }, counts: { delivered: 10 } }]);
  const stats = {
    records: 10,
    counted: 10,
    filtered: over.filtered ?? 0,
    untimed: over.untimed ?? 0,
    unknownTypes: over.unknown ?? {},
    firstEvent: at(1),
    lastEvent: at(1),
  };
  const m = buildModel(
    { rollup, stats, files: 1, bytes: 1000, badRecords: 0, warnings: 0, problemCounts: {}, problems: [] },
    { by: ['isp'], bucket: null, since: null, until: null, tz: 'UTC', top: null },
  );
  return over.gaps === undefined ? m : { ...m, input: { ...m.input, gaps: over.gaps } };
}

describe('the input notes', () => {
  it('say one record as one, many as many', () => {
    expect(inputNotes(model({ filtered: 1, untimed: 1, unknown: { zz: 1 } }).input)).toEqual([
      '1 record outside the time range was not counted.',
      '1 record has no time column and was left out of the time range.',
      "1 record of unknown type 'zz' was not counted.",
    ]);
    expect(inputNotes(model({ filtered: 2500, unknown: { zz: 3 } }).input)).toEqual([
      '2,500 records outside the time range were not counted.',
      "3 records of unknown type 'zz' were not counted.",
    ]);
  });

  it('DATA LOST and the records left out are in the table, Markdown and HTML alike', () => {
    const m = model({ filtered: 7, gaps: [GAP] });
    const lost = `DATA LOST: ${GAP.path}: ${GAP.reason}`;
    for (const [name, text] of [
      ['table', renderTable(m)],
      ['md', renderMarkdown(m)],
      ['html', renderHtml(m)],
    ] as const) {
      expect(text, name).toContain(lost);
      expect(text, name).toContain('7 records outside the time range were not counted.');
    }
    expect(renderMarkdown(m)).toContain(`## Notes\n\n- 7 records outside the time range were not counted.\n- ${lost}\n`);
  });

  it('none when nothing was left out', () => {
    const m = model({});
    expect(inputNotes(m.input)).toEqual([]);
    expect(renderMarkdown(m)).not.toContain('## Notes');
    expect(renderHtml(m)).not.toContain('id="notes"');
  });
});
