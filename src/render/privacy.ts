/**
 * Recipient addresses stay out of reports unless `--show-addresses`. Report groups are keyed by
 * domains, ISPs and IPs, never by address; but text from records (a dsnDiag that quotes the
 * recipient, a vmta or job name, a time cell of a misaligned file in a problem message) can hold
 * one. `redactModel` passes every such string of a finished model through redactAddresses, once,
 * before any renderer sees it.
 */
import type { Problem } from '../parse/problems.js';
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import type { ReasonRow } from '../model/reasons.js';
import { redactAddresses } from './sanitize.js';
import type { ReportVerdict } from './verdict-view.js';

function row(r: GroupRow): GroupRow {
  // a new key only for a row whose key had an address (no copy of every row of a big report)
  let key: Record<string, string> | null = null;
  const given = r.key; // once: a row may make it when read (model/rows.ts)
  for (const k of Object.keys(given)) {
    const v = given[k];
    const shown = redactAddresses(v);
    if (shown === v) continue;
    key ??= { ...given };
    key[k] = shown;
  }
  // each field named: a row may make its figures when read (model/rows.ts), which a spread would not copy
  return key === null ? r : { bucket: r.bucket, key, counts: r.counts, rates: r.rates, latency: r.latency };
}

const rows = (list: readonly GroupRow[]) => list.map(row);

function reason(r: ReasonRow): ReasonRow {
  return {
    ...r,
    bounceCat: redactAddresses(r.bounceCat),
    diag: r.diag === null ? null : redactAddresses(r.diag),
    isps: r.isps.map((i) => ({ ...i, isp: redactAddresses(i.isp) })),
  };
}

function problem(p: Problem): Problem {
  return { ...p, message: redactAddresses(p.message), excerpt: redactAddresses(p.excerpt) };
}

function verdict<V extends ReportVerdict>(v: V): V {
  return {
    ...v,
    scope: Object.fromEntries(Object.entries(v.scope).map(([k, x]) => [k, redactAddresses(x)])),
    message: redactAddresses(v.message),
  };
}

export function redactModel(m: ReportModel): ReportModel {
  return {
    ...m,
    input: {
      ...m.input,
      unknownTypes: Object.fromEntries(Object.entries(m.input.unknownTypes).map(([k, n]) => [redactAddresses(k), n])),
      problems: m.input.problems.map(problem),
    },
    total: row(m.total),
    groups: rows(m.groups),
    byIsp: m.byIsp === null ? null : rows(m.byIsp),
    byIp: m.byIp === null ? null : rows(m.byIp),
    series: rows(m.series),
    ispSeries: rows(m.ispSeries),
    byKey: rows(m.byKey),
    reasons: m.reasons === null ? null : m.reasons.map(reason),
    verdicts: m.verdicts === null || m.verdicts === undefined ? m.verdicts : { ...m.verdicts, verdicts: m.verdicts.verdicts.map(verdict) },
  };
}
