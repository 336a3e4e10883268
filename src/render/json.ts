/**
 * The JSON report, version 1. Stable: fields are only ever added; a change of meaning bumps
 * `version`. Documented in the README ("JSON (version 1)").
 */
import { BIG_REPORT_GROUPS, type ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import { isoTime, roundRate } from './format.js';
import type { Problem } from '../parse/problems.js';
import { verdictJson } from './verdict-json.js';
import { groupPieces } from './json-groups.js';
import { clockOf, incidentLine } from './incident-view.js';
import type { IncidentSummary } from '../verdict/incidents.js';
import { COUNTER_NAMES } from '../rollup/counters.js';
import type { Comparison, Figures } from '../model/compare.js';

export const JSON_VERSION = 1;

export function groupJson(row: GroupRow, tz: string, withBucket: boolean, withKey: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (withBucket) out.bucket = row.bucket === null ? null : isoTime(row.bucket, tz);
  if (withKey) out.key = row.key;
  Object.assign(out, row.counts);
  const rates = row.rates;
  out.rates = {
    deferral: roundRate(rates.deferral),
    bounce: roundRate(rates.bounce),
    hardBounce: roundRate(rates.hardBounce),
    complaint: roundRate(rates.complaint),
  };
  out.latency = row.latency;
  return out;
}

/** Baseline figures in the shape of a group: counters, `rates`, `latency` percentiles. */
function figuresJson(f: Figures): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of COUNTER_NAMES) out[n] = f[n];
  out.rates = {
    deferral: roundRate(f.deferralRate),
    bounce: roundRate(f.bounceRate),
    hardBounce: roundRate(f.hardBounceRate),
    complaint: roundRate(f.complaintRate),
  };
  out.latency = { p50: f.latencyP50, p90: f.latencyP90, p99: f.latencyP99 };
  return out;
}

export function comparisonJson(c: Comparison, tz: string): Record<string, unknown> {
  const keyed = (m: ReadonlyMap<string, Figures>) => Object.fromEntries([...m.entries()].map(([k, f]) => [k, figuresJson(f)]));
  return {
    mode: c.mode,
    source: c.source,
    periods: c.periods.map((p) => ({ since: isoTime(p.since, tz), until: isoTime(p.until, tz), found: p.found })),
    notes: c.notes,
    total: c.total === null ? null : figuresJson(c.total),
    isp: keyed(c.isp),
    ip: keyed(c.ip),
    incidents: c.incidents,
  };
}

function problemJson(p: Problem): Record<string, unknown> {
  return { code: p.code, file: p.file, line: p.line, byte: p.byte, message: p.message };
}

/** `incidents` (always an array) and `incidentWindows`: what was judged, or null when nothing was. */
function incidentsJson(s: IncidentSummary | null, tz: string): Record<string, unknown> {
  const time = (t: number | null) => (t === null ? null : isoTime(t, tz));
  const c = s === null ? null : clockOf(s, tz);
  return {
    incidents:
      s === null || c === null
        ? []
        : s.incidents.map((i) => ({
            level: i.level,
            rule: i.rule,
            metric: i.metric,
            scope: i.scope,
            start: isoTime(i.start, tz),
            end: isoTime(i.end, tz),
            ongoing: i.ongoing,
            seconds: i.end - i.start,
            windows: i.windows,
            message: incidentLine(i, c),
            peak: verdictJson(i.peak, tz),
          })),
    incidentWindows: s === null ? null : { first: time(s.from), last: time(s.to), step: s.step, cut: s.cut },
  };
}

/** The report's fields in their order, with `groups` as given (reportJson's objects or writeJson's marker). */
function reportFields(m: ReportModel, groups: unknown): Record<string, unknown> {
  const tz = m.range.tz;
  const time = (t: number | null) => (t === null ? null : isoTime(t, tz));
  return {
    version: JSON_VERSION,
    range: { since: time(m.range.since), until: time(m.range.until), tz },
    by: m.by,
    bucket: m.bucket,
    input: {
      files: m.input.files,
      bytes: m.input.bytes,
      records: m.input.records,
      counted: m.input.counted,
      badRecords: m.input.badRecords,
      warnings: m.input.warnings,
      filtered: m.input.filtered,
      untimed: m.input.untimed,
      unknownTypes: m.input.unknownTypes,
      firstEvent: time(m.input.firstEvent),
      lastEvent: time(m.input.lastEvent),
      problemCounts: m.input.problemCounts,
      problems: m.input.problems.map(problemJson),
      ...(m.input.gaps === undefined
        ? {}
        : {
            gaps: m.input.gaps.map((g) => ({
              file: g.path,
              offset: g.offset,
              size: g.size,
              missing: g.missing,
              reason: g.reason,
              detected: time(g.detectedAt),
            })),
          }),
    },
    status: m.verdicts ? m.verdicts.status : null,
    verdicts: m.verdicts ? m.verdicts.verdicts.map((v) => verdictJson(v, tz)) : [],
    ...incidentsJson(m.incidents ?? null, tz),
    total: groupJson(m.total, tz, false, false),
    groups,
    omittedKeys: m.omittedKeys,
    ...(m.comparison === null ? {} : { compare: comparisonJson(m.comparison, tz) }),
  };
}

export function reportJson(m: ReportModel): Record<string, unknown> {
  return reportFields(
    m,
    m.groups.map((g) => groupJson(g, m.range.tz, m.bucket !== null, true)),
  );
}

/**
 * Groups from which jsonPieces writes them as text (a big report, as the model's rows made when
 * read). Below, JSON.stringify's one native pass makes less garbage than the text of each group,
 * and a small report (in V8's interpreter) then ends before its heap needs a mark-compact: 10 ms of
 * the 10,000-row report (bench/RESULTS.md).
 */
const TEXT_FROM = BIG_REPORT_GROUPS;

/** Where documentPieces writes the groups (a marker among a document's fields). */
export const GROUPS = Symbol('groups');

/**
 * The JSON report as pieces of text: together the bytes of `JSON.stringify(reportJson(m), null, 2)`
 * and a line end (held equal by a property test over random models). The groups, all but a few
 * bytes of a big report, are written straight from their rows, without an object per group for
 * JSON.stringify nor one string of the whole report: at 1 M rows (7,300 groups, 4.6 MB) those
 * and their garbage were most of what a report did after the reading (bench/RESULTS.md). A report
 * of fewer than `textFrom` groups is one piece, from JSON.stringify.
 */
export function jsonPieces(m: ReportModel, textFrom = TEXT_FROM): Generator<string> {
  return documentPieces(reportFields(m, GROUPS), m, textFrom);
}

/**
 * A JSON document (`fields`, whose value GROUPS stands for the model's groups) as pieces of text,
 * as jsonPieces says: a query grouped by recipient can have millions of groups, more text than one
 * string may hold (V8's limit is 512 MiB).
 */
export function* documentPieces(fields: Readonly<Record<string, unknown>>, m: ReportModel, textFrom = TEXT_FROM): Generator<string> {
  if (m.groups.length < textFrom) {
    const doc: Record<string, unknown> = {};
    for (const name of Object.keys(fields))
      doc[name] = fields[name] === GROUPS ? m.groups.map((g) => groupJson(g, m.range.tz, m.bucket !== null, true)) : fields[name];
    yield `${JSON.stringify(doc, null, 2)}\n`;
    return;
  }
  let sep = '{';
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    if (value === GROUPS) {
      yield `${sep}\n  ${JSON.stringify(name)}: [`;
      yield* groupPieces(m);
    } else {
      const text = JSON.stringify(value, null, 2) as string | undefined;
      if (text === undefined) continue;
      // one level deeper than a value alone: a line end in JSON text is always its own, never a string's
      yield `${sep}\n  ${JSON.stringify(name)}: ${text.replaceAll('\n', '\n  ')}`;
    }
    sep = ',';
  }
  yield '\n}\n';
}

export function renderJson(m: ReportModel): string {
  return [...jsonPieces(m)].join('');
}
