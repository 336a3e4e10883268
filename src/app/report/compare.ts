/**
 * `--compare` for a finished report: which earlier periods, asked of which history, into a
 * Comparison (compare.ts) the renderers show next to each figure.
 */
import { earlierPeriods, needPeriod, reportPeriod, type HistorySource } from '../../history/history.js';
import { compareWith, type CompareMode, type ComparedPeriod, type Comparison, type PeriodFigures } from '../../model/compare.js';
import type { ReportModel } from '../../model/model.js';

export async function compareReport(model: ReportModel, mode: CompareMode, history: HistorySource): Promise<Comparison> {
  const tz = model.range.tz;
  const p = reportPeriod(model.range.since, model.range.until, model.input.firstEvent, model.input.lastEvent, tz);
  if (p === null) throw needPeriod('--compare');
  const earlier = earlierPeriods(p, mode, tz);
  const answers = await Promise.all(earlier.map((q) => history.figures(q.since, q.until, tz)));
  const periods: ComparedPeriod[] = [];
  const found: PeriodFigures[] = [];
  const notes: string[] = [];
  answers.forEach((a, i) => {
    const q = earlier[i];
    if ('figures' in a) {
      found.push(a.figures);
      periods.push({ since: q.since, until: q.until, found: true });
    } else {
      periods.push({ since: q.since, until: q.until, found: false });
      notes.push(a.missing);
    }
  });
  return compareWith(mode, p, periods, found, history.description, notes);
}
