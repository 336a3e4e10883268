/**
 * query's aggregate output as JSON (report's version 1 document plus the query: `where`, `sort`,
 * and in `input` the records --where left out and the files skipped by name) and as NDJSON (one
 * group per line). Strings are jsonSafe: record text is hostile. Both come in pieces (a group at a
 * time when there are many), written as they are made: grouped by recipient or by time bucket, a
 * month of archives has millions of groups, more text than one string may hold.
 */
import { documentPieces, groupJson, GROUPS, reportJson } from './json.js';
import type { ReportModel } from '../model/model.js';
import { jsonSafe } from './sanitize.js';

export interface QueryInfo {
  readonly where: string | null;
  readonly sort: string | null;
  readonly unmatched: number;
  readonly pruned: readonly string[];
}

export function* queryJsonPieces(m: ReportModel, q: QueryInfo): Generator<string> {
  // the report's fields without its groups (made below from the rows, a piece each when many)
  const r = reportJson({ ...m, groups: [] });
  const doc = {
    version: r.version,
    where: q.where,
    sort: q.sort,
    range: r.range,
    by: r.by,
    bucket: r.bucket,
    input: { ...(r.input as Record<string, unknown>), unmatched: q.unmatched, pruned: q.pruned.length, prunedFiles: q.pruned },
    total: r.total,
    groups: GROUPS,
    omittedKeys: r.omittedKeys,
  };
  for (const piece of documentPieces(doc, m)) yield jsonSafe(piece);
}

export function* queryNdjsonPieces(m: ReportModel): Generator<string> {
  for (const g of m.groups) yield `${jsonSafe(JSON.stringify(groupJson(g, m.range.tz, m.bucket !== null, true)))}\n`;
}
