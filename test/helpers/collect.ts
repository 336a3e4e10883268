import { ProblemLog } from '../../src/parse/problems.js';
import { RecordReader, type ReaderOptions } from '../../src/parse/reader.js';
import type { RecordView } from '../../src/parse/record-view.js';

export interface Collected {
  /** Every header and data row, as decoded cells (headers prefixed by 'H:' in `kinds`). */
  rows: string[][];
  kinds: ('header' | 'record')[];
  lines: number[];
  offsets: number[];
  problems: ProblemLog;
}

function cells(view: RecordView): string[] {
  const out: string[] = [];
  for (let k = 0; k < view.n; k++) out.push(view.text(k));
  return out;
}

/** Feed `bytes` to a RecordReader in pieces of `piece` bytes and collect what comes out. */
export function collect(bytes: Uint8Array, piece = 1 << 20, options: Partial<ReaderOptions> = {}): Collected {
  const result: Collected = { rows: [], kinds: [], lines: [], offsets: [], problems: new ProblemLog(1000) };
  const reader = new RecordReader(
    {
      header(_h, view) {
        result.rows.push(cells(view));
        result.kinds.push('header');
        result.lines.push(view.line);
        result.offsets.push(view.offset);
      },
      record(view) {
        result.rows.push(cells(view));
        result.kinds.push('record');
        result.lines.push(view.line);
        result.offsets.push(view.offset);
      },
    },
    result.problems,
    { file: 'test.csv', chunkSize: Math.max(piece, 1), ...options },
  );
  for (let at = 0; at < bytes.length; at += piece) {
    const part = bytes.subarray(at, Math.min(bytes.length, at + piece));
    reader.write(part);
  }
  reader.finish();
  return result;
}
