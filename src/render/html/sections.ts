/**
 * The HTML report's text sections: verdicts, totals with changes, the per-ISP / per-IP / --by
 * tables, reasons, latency and input notes. Every string from the model goes through htmlSafe.
 */
import { inputNotes } from '../input-notes.js';
import { formatProblem } from '../../parse/problems.js';
import { changeOf, changeTone, figuresOf, formatChange, type FigureName, type Figures } from '../../model/compare.js';
import { formatBytes, formatCount, formatRate, formatSeconds } from '../format.js';
import { rowLevels, type Level } from '../highlight.js';
import { GROUP_HEADS, groupCells } from '../group-columns.js';
import { BUILT_IN } from '../../verdict/defaults.js';
import type { RuleSet } from '../../verdict/types.js';
import type { ReportModel } from '../../model/model.js';
import type { GroupRow } from '../../model/rows.js';
import { topIsps, topReasons, type ReasonRow } from '../../model/reasons.js';
import { htmlSafe as esc } from '../sanitize.js';
import { latencyBar } from './svg.js';
import { label } from '../labels.js';

/** A change note under a figure (empty without a baseline). */
export function change(name: FigureName, now: number | null, base: Figures | null | undefined): string {
  if (base === null || base === undefined) return '';
  const c = changeOf(name, now, base[name]);
  const text = formatChange(c);
  return text === '' ? '' : `<span class="chg ${changeTone(name, c)}">${esc(text)}</span>`;
}

function hi(text: string, level: Level): string {
  return level === 'ok' ? esc(text) : `<span class="hi-${level}">${esc(text)}</span>`;
}

export function verdictsSection(m: ReportModel): string {
  const head = '<h2 id="verdicts">Verdicts</h2>';
  if (m.verdicts === null || m.verdicts === undefined) return `${head}<p class="muted">No rules were evaluated for this report.</p>`;
  const sorted = m.verdicts.verdicts;
  const bad = sorted.filter((v) => v.level !== 'OK');
  const ok = sorted.length - bad.length;
  const items = bad.map((v) => `<li><span class="badge ${v.level}">${v.level}</span>${esc(v.message)}</li>`);
  const okLine =
    bad.length === 0
      ? `<li><span class="badge OK">OK</span>All ${formatCount(ok)} checks passed.</li>`
      : ok > 0
        ? `<li><span class="badge OK">OK</span>${formatCount(ok)} other checks passed.</li>`
        : '';
  return `${head}<ul class="verdicts">${items.join('')}${okLine}</ul>`;
}

function card(title: string, value: string, rest: string): string {
  return `<div class="card"><div class="label">${esc(title)}</div><div class="value">${value}</div>${rest}</div>`;
}

export function totalsSection(m: ReportModel): string {
  const c = m.total.counts;
  const r = m.total.rates;
  const lv = rowLevels(m.total, m.rules ?? BUILT_IN);
  const base = m.comparison?.total ?? null;
  const f = figuresOf(m.total);
  const rate = (name: FigureName, text: string, level: Level) =>
    `<div class="rate">rate ${hi(text, level)}</div>${change(name, f[name], base)}`;
  const cards = [
    card(
      'Delivered',
      esc(formatCount(c.delivered)),
      `<div class="rate">${esc(formatBytes(c.deliveredBytes))}</div>${change('delivered', c.delivered, base)}`,
    ),
    card('Deferred', esc(formatCount(c.deferred)), rate('deferralRate', formatRate(r.deferral), lv.deferral)),
    card('Bounced', esc(formatCount(c.bounced)), rate('bounceRate', formatRate(r.bounce), lv.bounce)),
    card('Hard bounces', esc(formatCount(c.hardBounced)), rate('hardBounceRate', formatRate(r.hardBounce), lv.hardBounce)),
    card('Complaints', esc(formatCount(c.complaints)), rate('complaintRate', formatRate(r.complaint, 3), lv.complaint)),
    card(
      'Delivery latency',
      `${esc(formatSeconds(m.total.latency.p50))} <span class="muted">p50</span>`,
      `<div class="rate">p90 ${esc(formatSeconds(m.total.latency.p90))} · p99 ${esc(formatSeconds(m.total.latency.p99))}</div>${change('latencyP50', m.total.latency.p50, base)}`,
    ),
  ];
  const others: readonly (readonly [string, number])[] = [
    ['Queue deferrals (tq)', c.queueDeferred],
    ['Remote bounces (rb)', c.remoteBounced],
    ['Remote status (rs)', c.remoteStatus],
    ['Received (r)', c.received],
  ];
  const more = others.filter(([, n]) => n > 0).map(([name, n]) => `${esc(name)} ${esc(formatCount(n))}`);
  return `<h2 id="totals">Totals</h2><div class="cards">${cards.join('')}</div>${more.length > 0 ? `<p class="muted">${more.join(' · ')}</p>` : ''}`;
}

function numberCells(row: GroupRow, base: Figures | null | undefined, rules: RuleSet): string[] {
  const f = figuresOf(row);
  return groupCells(row, rules).map((c) => `<td>${hi(c.text, c.level)}${change(c.figure, f[c.figure], base)}</td>`);
}

function keyCell(v: string | undefined): string {
  return `<td class="l key">${v === undefined || v === '' ? '<span class="muted">(none)</span>' : esc(v)}</td>`;
}

export interface TableSpec {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly GroupRow[];
  readonly dims: readonly string[];
  readonly top: number;
  /** The rules rates are highlighted by (the built-in ones when absent). */
  readonly rules?: RuleSet;
  readonly baseline?: ReadonlyMap<string, Figures>;
  /** Extra trailing cells per row (sparklines) and their headings. */
  readonly extraHead?: readonly string[];
  readonly extra?: (row: GroupRow) => readonly string[];
}

export function groupTable(spec: TableSpec): string {
  if (spec.rows.length === 0) return '';
  const head = [
    ...spec.dims.map((d) => `<th class="l">${esc(label(d))}</th>`),
    ...GROUP_HEADS.map((h) => `<th>${esc(h)}</th>`),
    ...(spec.extraHead ?? []).map((h) => `<th class="l">${esc(h)}</th>`),
  ];
  const body = spec.rows.slice(0, spec.top).map((row) => {
    const base = spec.dims.length === 1 ? spec.baseline?.get(row.key[spec.dims[0]] ?? '') : undefined;
    const extra = spec.extra === undefined ? [] : spec.extra(row).map((cell) => `<td class="l">${cell}</td>`);
    return `<tr>${spec.dims.map((d) => keyCell(row.key[d])).join('')}${numberCells(row, base, spec.rules ?? BUILT_IN).join('')}${extra.join('')}</tr>`;
  });
  const more =
    spec.rows.length > spec.top ? `<p class="muted">${formatCount(spec.rows.length - spec.top)} more not shown (use --top).</p>` : '';
  return `<h2 id="${spec.id}">${esc(spec.title)}</h2><div class="scroll"><table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>${more}`;
}

function share(part: number, whole: number): string {
  return whole === 0 ? '-' : formatRate(part / whole, 1);
}

function reasonTable(title: string, rows: readonly ReasonRow[], counter: 'bounced' | 'deferred', total: number, withDiag: boolean): string {
  const what = counter === 'bounced' ? 'Bounces' : 'Deferrals';
  if (rows.length === 0) return `<h3>${esc(title)}</h3><p class="muted">None.</p>`;
  const head = [
    '<th class="l">Category</th>',
    withDiag ? '<th class="l">Reason</th>' : '',
    `<th>${what}</th>`,
    '<th>Share</th>',
    counter === 'bounced' ? '<th>Hard</th>' : '',
    '<th class="l">Top ISPs</th>',
  ];
  const body = rows.map((r) => {
    const isps = topIsps(r, counter, 3)
      .map((i) => `${esc(i.isp === '' ? '(none)' : i.isp)} ${esc(formatCount(i[counter]))}`)
      .join(', ');
    return (
      `<tr><td class="l key">${r.bounceCat === '' ? '<span class="muted">(none)</span>' : esc(r.bounceCat)}</td>${withDiag ? `<td class="text">${esc(r.diag ?? '')}</td>` : ''}` +
      `<td>${esc(formatCount(r.counts[counter]))}</td><td>${esc(share(r.counts[counter], total))}</td>` +
      `${counter === 'bounced' ? `<td>${esc(formatCount(r.counts.hardBounced))}</td>` : ''}<td class="l wrap">${isps}</td></tr>`
    );
  });
  return `<h3>${esc(title)}</h3><div class="scroll"><table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

export function reasonsSection(m: ReportModel, top: number): string {
  if (m.reasons === null) return '';
  const withDiag = m.reasons.some((r) => r.diag !== null);
  const note = withDiag ? '' : '<p class="muted">Grouped by bounce category (PowerMTA\'s bounceCat).</p>';
  // Reason texts are long: with them the two tables stack, each the page's width.
  return (
    `<h2 id="reasons">Top bounce and deferral reasons</h2>${note}<div class="${withDiag ? 'stack' : 'grid2'}"><div>${reasonTable('Bounces', topReasons(m.reasons, 'bounced', top), 'bounced', m.total.counts.bounced, withDiag)}</div>` +
    `<div>${reasonTable('Deferrals', topReasons(m.reasons, 'deferred', top), 'deferred', m.total.counts.deferred, withDiag)}</div></div>`
  );
}

export function latencySection(m: ReportModel, top: number): string {
  const rows: [string, GroupRow, Figures | null | undefined][] = [['All mail', m.total, m.comparison?.total]];
  for (const r of (m.byIsp ?? []).filter((r) => r.latency.count > 0).slice(0, top))
    rows.push([r.key.isp === '' ? '(none)' : r.key.isp, r, m.comparison?.isp.get(r.key.isp)]);
  const max = Math.max(10, ...rows.map(([, r]) => r.latency.p99 ?? 0));
  const body = rows.map(
    ([name, r, base]) =>
      `<tr><td class="l key">${esc(name)}</td><td>${esc(formatCount(r.latency.count))}</td>` +
      `<td>${esc(formatSeconds(r.latency.p50))}${change('latencyP50', r.latency.p50, base)}</td><td>${esc(formatSeconds(r.latency.p90))}${change('latencyP90', r.latency.p90, base)}</td>` +
      `<td>${esc(formatSeconds(r.latency.p99))}${change('latencyP99', r.latency.p99, base)}</td>` +
      `<td class="l">${latencyBar(r.latency.p50, r.latency.p90, r.latency.p99, max, `${name}: p50 ${formatSeconds(r.latency.p50)}, p90 ${formatSeconds(r.latency.p90)}, p99 ${formatSeconds(r.latency.p99)}`)}</td></tr>`,
  );
  const axis = `1 s to ${formatSeconds(max)}, log scale`;
  return (
    '<h2 id="latency">Delivery latency</h2><p class="muted">Time from queueing to delivery (timeLogged - timeQueued of d records); exact below 16 s, within 6.25% above.</p>' +
    `<div class="scroll"><table class="narrow"><thead><tr><th class="l">Scope</th><th>Deliveries</th><th>p50</th><th>p90</th><th>p99</th><th class="l">p50 to p99 (${esc(axis)})</th></tr></thead><tbody>${body.join('')}</tbody></table></div>`
  );
}

export function notesSection(m: ReportModel): string {
  const items = inputNotes(m.input).map((n) => `<li>${esc(n)}</li>`);
  for (const p of m.input.problems.slice(0, 10)) items.push(`<li class="key">${esc(formatProblem(p))}</li>`);
  for (const n of m.comparison?.notes ?? []) items.push(`<li>${esc(`History: ${n}`)}</li>`);
  return items.length === 0 ? '' : `<h2 id="notes">Input notes</h2><ul>${items.join('')}</ul>`;
}
