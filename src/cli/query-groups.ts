/**
 * The groups of a query in the format asked, over files or over ClickHouse: one switch, so the two
 * sources print the same way (a CSV to a terminal has its controls escaped, as the table's). The
 * text comes in pieces, for cli/io.ts writePieces: JSON, NDJSON and CSV a group at a time (a query
 * by recipient can have millions of groups, more than one string may hold).
 */
import type { ReportModel } from '../model/model.js';
import { csvPieces } from '../render/csv.js';
import { ANSI_PAINT, NO_PAINT } from '../render/highlight.js';
import { renderGroupsMarkdown } from '../render/markdown.js';
import { queryJsonPieces, queryNdjsonPieces, type QueryInfo } from '../render/query-json.js';
import type { RecordFormat } from '../render/records.js';
import { terminalSafe } from '../render/sanitize.js';
import { renderTable } from '../render/table.js';
import { toTerminal, useColor } from './io.js';

export interface GroupsOutput {
  readonly format: RecordFormat;
  readonly output: string | undefined;
  readonly color: boolean | undefined;
  readonly top: number | null;
  /** The first line of the table and the Markdown. */
  readonly headline: string;
}

export function renderQueryGroups(m: ReportModel, info: QueryInfo, o: GroupsOutput): Iterable<string> {
  switch (o.format) {
    case 'json':
      return queryJsonPieces(m, info);
    case 'ndjson':
      return queryNdjsonPieces(m);
    case 'csv':
      return csvPieces(m, { terminal: toTerminal(o.output) });
    case 'md':
      return [renderGroupsMarkdown(m, o.headline, info.where, o.top ?? 20)];
    case 'table': {
      const where = info.where === null ? '' : `\nwhere ${terminalSafe(info.where)}`;
      const paint = o.color !== false && useColor(o.output) ? ANSI_PAINT : NO_PAINT;
      return [renderTable(m, { paint, top: o.top ?? 20, layout: 'groups', headline: `${o.headline}${where}` })];
    }
  }
}
