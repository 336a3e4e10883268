import { emptyStats, type EngineOptions } from '../../src/engine/options.js';
import { RecordGate } from '../../src/engine/record-gate.js';
import { ProblemLog } from '../../src/parse/problems.js';
import { RecordReader } from '../../src/parse/reader.js';
import { makeBucketing, type BucketSize } from '../../src/rollup/buckets.js';

export function engineOptions(where: string | null, extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    dims: [],
    bucket: null,
    tz: 'UTC',
    since: null,
    until: null,
    hardCategories: ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'],
    isps: {},
    header: null,
    strict: false,
    keepProblems: 20,
    chunkSize: 64 * 1024,
    maxRecordBytes: 128 * 1024,
    maxRecordLines: 32,
    where,
    now: 1_795_900_000,
    ...extra,
  };
}

/** Options of the engine tests over a split file: isp and ip by the hour, small chunks. */
export const SPLIT_OPTIONS: EngineOptions = engineOptions(null, {
  dims: ['isp', 'ip'],
  bucket: '1h',
  hardCategories: ['bad-mailbox'],
  keepProblems: 50,
  chunkSize: 4096,
});

/**
 * The value of column `show` of every record of `csv` that passes the gate with `where` (the
 * engine's own path: reader, classifier, compiled filter), fed in pieces of `piece` bytes.
 */
export function matching(csv: string | Buffer, where: string, show = 'rcpt', piece = 1 << 20, bucket: BucketSize = '1h'): string[] {
  const out: string[] = [];
  const gate = new RecordGate(engineOptions(where), emptyStats(), makeBucketing(bucket, 'UTC'));
  const reader = new RecordReader(
    {
      header: (h) => gate.header(h),
      record: (view) => {
        if (gate.admit(view, false)) out.push(view.text(view.header.col(show.toLowerCase())));
      },
    },
    new ProblemLog(0),
    { file: 'test.csv', chunkSize: piece },
  );
  const bytes = typeof csv === 'string' ? Buffer.from(csv) : csv;
  for (let at = 0; at < bytes.length; at += piece) reader.write(bytes.subarray(at, Math.min(bytes.length, at + piece)));
  reader.finish();
  return out;
}
