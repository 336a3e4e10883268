/**
 * query's aggregate output as JSON (report's version 1 document plus the query: `where`, `sort`,
 * and in `input` the records --where left out and the files skipped by name) and as NDJSON (one
 * group per line). Strings are jsonSafe: record text is hostile.
 */
import { groupJson, reportJson } from './json.js';
import type { ReportModel } from '../model/model.js';
import { jsonSafe } from './sanitize.js';

export interface QueryInfo {
  readonly where: string | null;
  readonly sort: string | null;
  readonly unmatched: number;
  readonly pruned: readonly string[];
}

export function renderQueryJson(m: ReportModel, q: QueryInfo): string {
  const r = reportJson(m);
  const doc = {
    version: r.version,
    where: q.where,
    sort: q.sort,
    range: r.range,
    by: r.by,
    bucket: r.bucket,
    input: { ...(r.input as Record<string, unknown>), unmatched: q.unmatched, pruned: q.pruned.length, prunedFiles: q.pruned },
    total: r.total,
    groups: r.groups,
    omittedKeys: r.omittedKeys,
  };
  return `${jsonSafe(JSON.stringify(doc, null, 2))}\n`;
}

export function renderQueryNdjson(m: ReportModel): string {
  return m.groups.map((g) => `${jsonSafe(JSON.stringify(groupJson(g, m.range.tz, m.bucket !== null, true)))}\n`).join('');
}
