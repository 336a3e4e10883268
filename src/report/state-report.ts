/**
 * `report --state DIR`: the same request and the same model as report over files, from the
 * buckets `tail` stored. The stored rollup is regrouped to the asked dimensions and buckets, so
 * a bucket is byte-identical in JSON to the same bucket computed from the rotated files.
 */
import type { ProblemCode } from '../parse/problems.js';
import { PmtaAcctError } from '../errors.js';
import { bucketSeconds, makeBucketing, type BucketSize } from '../rollup/buckets.js';
import { regroup } from '../rollup/regroup.js';
import { countFiles, readGaps } from '../state/file-rows.js';
import { readProblems, readStoredRollup, readTotals } from '../state/rollup-store.js';
import { openStateForReading } from '../state/state-db.js';
import { buildModel, type ReportModel } from './model.js';
import type { ReportRequest } from './report-run.js';
import { isoTime } from './format.js';

export interface StateReport {
  readonly model: ReportModel;
  /** Things the user should know (a range moved to bucket edges). */
  readonly notes: readonly string[];
}

const ORDER: readonly BucketSize[] = ['1m', '5m', '15m', '1h', '1d'];

export function runStateReport(dir: string, req: ReportRequest): StateReport {
  const state = openStateForReading(dir);
  try {
    const c = state.config;
    const kept: readonly string[] = c.dims;
    const dims: string[] = [...req.by];
    for (const d of req.alsoBy) if (!dims.includes(d) && kept.includes(d)) dims.push(d);
    const missing = req.by.filter((d) => !c.dims.includes(d));
    if (missing.length > 0) {
      throw new PmtaAcctError('USAGE', `--by ${missing.join(',')}: the state in ${state.dir} keeps ${c.dims.join(', ')} (tail --dims sets what a new state keeps)`);
    }
    if (req.bucket !== null && ORDER.indexOf(req.bucket) < ORDER.indexOf(c.bucket)) {
      throw new PmtaAcctError('USAGE', `--bucket ${req.bucket}: the state in ${state.dir} keeps ${c.bucket} buckets, the finest it can report`);
    }
    const notes: string[] = [];
    const stored = makeBucketing(c.bucket, c.tz);
    const edge = (t: number | null, name: string): number | null => {
      if (t === null) return null;
      const s = stored.start(t);
      if (s !== t) notes.push(`${name} ${isoTime(t, req.tz)} is inside a stored ${c.bucket} bucket: reporting from ${isoTime(s, req.tz)}, the bucket's start`);
      return s;
    };
    const since = edge(req.since, '--since');
    const until = edge(req.until, '--until');
    const ranged = req.since !== null || req.until !== null;
    const data = readStoredRollup(state.db, c, ranged ? { since, until } : null);
    const size = bucketSeconds(c.bucket);
    let bucketOf: ((start: number) => number) | null = null;
    if (req.bucket !== null) {
      const b = makeBucketing(req.bucket, req.tz);
      bucketOf = (start) => {
        const at = b.start(start);
        if (b.start(start + size - 1) !== at) {
          throw new PmtaAcctError('USAGE', `--bucket ${req.bucket} --tz ${req.tz}: the state's ${c.bucket} buckets do not fit inside ${req.bucket} buckets of this zone`);
        }
        return at;
      };
    }
    const rollup = regroup(data.rollup, dims, bucketOf);
    const totals = readTotals(state.db);
    const unknownTypes: Record<string, number> = {};
    const problemCounts: Partial<Record<ProblemCode, number>> = {};
    for (const [name, value] of totals) {
      if (name.startsWith('unknown:')) unknownTypes[name.slice(8)] = value;
      if (name.startsWith('problem:')) problemCounts[name.slice(8) as ProblemCode] = value;
    }
    const files = countFiles(state.db);
    const model = buildModel(
      {
        rollup,
        stats: {
          records: totals.get('records') ?? 0,
          counted: data.counted,
          filtered: ranged ? data.outside : 0,
          untimed: ranged ? data.untimed : 0,
          unknownTypes,
          unmatched: 0,
          columnsFound: [],
          firstEvent: data.firstEvent,
          lastEvent: data.lastEvent,
        },
        files: files.files,
        bytes: files.bytes,
        badRecords: totals.get('badRecords') ?? 0,
        warnings: totals.get('warnings') ?? 0,
        problemCounts,
        problems: readProblems(state.db),
        gaps: readGaps(state.db),
      },
      { by: req.by, bucket: req.bucket, since, until, tz: req.tz, top: req.top },
    );
    return { model, notes };
  } finally {
    state.close();
  }
}
