/**
 * The HTML report's incidents: the table every format shows (incident-view.ts), and the incidents
 * on the report's time axis, one bar each from start to end (WARN amber, CRIT red).
 */
import { incidentComparison } from '../compare-text.js';
import { formatCount } from '../format.js';
import { clockOf, incidentContext, incidentLine, incidentScope, INCIDENT_COLUMNS } from '../incident-view.js';
import type { ReportModel } from '../../model/model.js';
import { htmlSafe as esc } from '../sanitize.js';
import type { Timeline } from '../timeline.js';
import { spanChart } from './svg.js';

/** Bars drawn at most (the table lists every incident). */
const MAX_BARS = 40;

export function incidentsSection(m: ReportModel, tl: Timeline | null): string {
  const s = m.incidents;
  if (s === null || s === undefined) return '';
  const c = clockOf(s, m.range.tz);
  const cmp = m.comparison === null ? null : incidentComparison(m.comparison, s.incidents.length, m.range.tz);
  const grew = m.comparison !== null && m.comparison.incidents !== null && s.incidents.length > m.comparison.incidents;
  const change = cmp === null ? '' : `<p class="chg ${grew ? 'bad' : 'good'}">${esc(cmp)}</p>`;
  const head = `<h2 id="incidents">Incidents</h2><p class="muted">Judged over ${esc(incidentContext(s, c))}.</p>${change}`;
  if (s.incidents.length === 0) return `${head}<p><span class="badge OK">OK</span>None: no rule was at WARN or above in any window.</p>`;
  const th = INCIDENT_COLUMNS.map((col) => `<th${col.right ? '' : ' class="l"'}>${esc(col.heading)}</th>`).join('');
  const body = s.incidents
    .map(
      (i) =>
        `<tr>${INCIDENT_COLUMNS.map((col, k) => {
          const text = esc(col.cell(i, c));
          if (k === 0) return `<td class="l"><span class="badge ${i.level}">${text}</span></td>`;
          return `<td class="${col.right ? '' : 'l '}key">${text}</td>`;
        }).join('')}</tr>`,
    )
    .join('');
  const table = `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
  if (tl === null) return `${head}${table}`;
  const shown = s.incidents.slice(0, MAX_BARS);
  const rows = shown.map((i) => ({
    label: `${incidentScope(i)} ${i.rule}`,
    from: i.start,
    to: i.end,
    cls: `span-${i.level}`,
    title: `${i.level} ${incidentLine(i, c)}`,
  }));
  const title = `Incidents over time (${m.range.tz})`;
  const more =
    s.incidents.length > shown.length
      ? `<p class="muted">${esc(formatCount(s.incidents.length - shown.length))} more in the table.</p>`
      : '';
  return `${head}${spanChart(rows, { title, start: tl.starts[0], end: tl.end, labels: tl.labels })}${more}${table}`;
}
