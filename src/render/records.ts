/**
 * Records themselves (query --select): a table, CSV, NDJSON, or a JSON document (version 1). CSV,
 * NDJSON and JSON stream row by row; the table is drawn at the end (column widths). Every cell is
 * record text, so hostile: escaped for each sink (terminalSafe, csvCell, jsonSafe).
 */
import type Table from 'cli-table3';
import type { Problem } from '../parse/problems.js';
import { lazyRequire } from '../util/lazy-require.js';
import { formatCount } from './format.js';
import { csvCell, jsonSafe, markdownSafe, terminalSafe } from './sanitize.js';

const cliTable = lazyRequire<typeof Table>('cli-table3');

export const RECORD_FORMATS = ['table', 'csv', 'ndjson', 'json', 'md'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];
export type Cell = string | number | boolean | null;

export const RECORDS_JSON_VERSION = 1;

/** Longest cell shown in the table (then `…`); CSV and JSON carry the whole text. */
const TABLE_CELL = 80;

export interface RecordsSummary {
  readonly where: string | null;
  readonly files: number;
  readonly pruned: number;
  readonly records: number;
  readonly matched: number;
  /** --limit was reached: reading stopped there. */
  readonly limited: boolean;
  readonly limit: number | null;
  readonly badRecords: number;
  readonly problems: readonly Problem[];
}

function tableCell(c: Cell): string {
  if (c === null) return '';
  const s = terminalSafe(String(c));
  return s.length > TABLE_CELL ? `${s.slice(0, TABLE_CELL - 1)}…` : s;
}

function objectOf(columns: readonly string[], cells: readonly Cell[]): Record<string, Cell> {
  const o: Record<string, Cell> = {};
  columns.forEach((c, i) => {
    o[c] = cells[i] ?? null;
  });
  return o;
}

export class RecordRenderer {
  private columns: readonly string[] = [];
  private rows: string[][] = [];
  private count = 0;

  /** `terminal`: the output is a terminal, so CSV cells have their controls escaped as the table's. */
  constructor(
    readonly format: RecordFormat,
    private readonly terminal = false,
  ) {}

  /** Text before the first record. */
  begin(columns: readonly string[], where: string | null): string {
    this.columns = [...columns];
    switch (this.format) {
      case 'csv':
        return `${this.columns.map((c) => csvCell(c, this.terminal)).join(',')}\r\n`;
      case 'json':
        return jsonSafe(
          `{"version":${RECORDS_JSON_VERSION},"where":${JSON.stringify(where)},"columns":${JSON.stringify(this.columns)},"records":[`,
        );
      case 'md':
        return `| ${this.columns.map(markdownSafe).join(' | ')} |\n|${this.columns.map(() => ' --- |').join('')}\n`;
      default:
        return '';
    }
  }

  /** Text for one record (the table keeps it for the end). */
  row(cells: readonly Cell[]): string {
    this.count++;
    switch (this.format) {
      case 'csv':
        return `${cells.map((c) => csvCell(typeof c === 'boolean' ? String(c) : c, this.terminal)).join(',')}\r\n`;
      case 'ndjson':
        return `${jsonSafe(JSON.stringify(objectOf(this.columns, cells)))}\n`;
      case 'json':
        return `${this.count === 1 ? '\n' : ',\n'}${jsonSafe(JSON.stringify(objectOf(this.columns, cells)))}`;
      case 'md':
        return `| ${cells.map((c) => (c === null ? '' : markdownSafe(String(c)))).join(' | ')} |\n`;
      case 'table':
        this.rows.push(cells.map(tableCell));
        return '';
    }
  }

  /** Text after the last record. */
  end(s: RecordsSummary): string {
    switch (this.format) {
      case 'csv':
      case 'ndjson':
        return '';
      case 'json': {
        const input = {
          files: s.files,
          pruned: s.pruned,
          records: s.records,
          matched: s.matched,
          badRecords: s.badRecords,
          problems: s.problems.map((p) => ({ code: p.code, file: p.file, line: p.line, byte: p.byte, message: p.message })),
        };
        return jsonSafe(`${this.count > 0 ? '\n' : ''}],"limited":${s.limited},"input":${JSON.stringify(input)}}\n`);
      }
      case 'md': {
        const stop = s.limited ? `; stopped at --limit ${formatCount(s.limit ?? s.matched)}` : '';
        return `\n_${formatCount(s.matched)} matching record${s.matched === 1 ? '' : 's'}, ${formatCount(s.records)} read in ${formatCount(s.files)} file${s.files === 1 ? '' : 's'}${stop}._\n`;
      }
      case 'table': {
        const TableClass = cliTable();
        const t = new TableClass({ head: this.columns.map((c) => terminalSafe(c)), style: { head: [], border: [], compact: true } });
        for (const r of this.rows) t.push(r);
        const what = `${formatCount(s.matched)} matching record${s.matched === 1 ? '' : 's'}`;
        const read = `${formatCount(s.records)} read in ${formatCount(s.files)} file${s.files === 1 ? '' : 's'}${s.pruned > 0 ? ` (${formatCount(s.pruned)} skipped by name)` : ''}`;
        const stop = s.limited
          ? `; stopped at --limit ${formatCount(s.limit ?? s.matched)} (use --limit, or --format csv or ndjson for all)`
          : '';
        const body = this.count > 0 ? `${t.toString()}\n` : '';
        return `${body}${what}, ${read}${stop}\n`;
      }
    }
  }
}
