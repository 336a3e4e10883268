/**
 * `query` as functions: the inputs (pruned by name first), the engine options, and the aggregate
 * run, which is report's run with a --where filter and any fields as the key, rendered from the
 * same ReportModel. The --select run (records themselves) is in select-run.ts.
 */
import { resolveField } from '../../classify/fields.js';
import { DEFAULT_MAX_GROUPS } from '../../engine/group-limit.js';
import { engineOptionsOf, type EngineOptions, type ReadingRequest, type RunSettings } from '../../engine/options.js';
import { runRollup, type RunProgress } from '../../engine/run.js';
import { PmtaAcctError } from '../../errors.js';
import { buildModel, type ReportModel } from '../../model/model.js';
import { inputOfRun } from '../sources/files.js';
import type { BucketSize } from '../../rollup/buckets.js';
import { selectInputs, type InputFile } from '../../source/inputs.js';
import { prepareFilter } from '../../where/plan.js';
import { parseSort } from './sort.js';

export interface QueryOptions extends ReadingRequest, RunSettings {
  readonly inputs: readonly string[];
  readonly where: string | null;
  /** Epoch seconds relative times count from (the same instant for --since and --where). */
  readonly now: number;
  /** --bucket; `bucket` in --group-by without it means 1h. */
  readonly bucket: BucketSize | null;
  /** --max-groups: the most groups a run may count (engine/group-limit.ts). */
  readonly maxGroups?: number;
}

export interface QueryInputs {
  readonly files: InputFile[];
  /** Files skipped by name for --since/--until, never opened. */
  readonly pruned: string[];
  /** Notes for stderr: what readOnce left out (a file named twice, a gzipped copy beside its plain file), streams counted twice. */
  readonly leftOut: string[];
}

/** Resolve and prune the inputs; only the files kept are opened. */
export function queryInputs(q: QueryOptions): QueryInputs {
  const { files, pruned, notes } = selectInputs(q.inputs, q.since, q.until);
  return { files, pruned, leftOut: notes };
}

/** Check the --where expression (throws a USAGE error with a caret) and the field names. */
export function checkQuery(q: QueryOptions, fields: readonly string[], option: string): void {
  if (q.where !== null) prepareFilter(q.where, { tz: q.tz, now: q.now });
  for (const f of fields) {
    if (resolveField(f) === null) throw new PmtaAcctError('USAGE', `${option}: '${f}' is not a field name`);
  }
}

export function engineOptions(q: QueryOptions, dims: readonly string[], bucket: BucketSize | null): EngineOptions {
  return { ...engineOptionsOf(q, dims, bucket), where: q.where, now: q.now, maxGroups: q.maxGroups ?? DEFAULT_MAX_GROUPS };
}

export interface AggregateRequest extends QueryOptions {
  readonly groupBy: readonly string[];
  readonly top: number | null;
  readonly sort: string | null;
  readonly onProgress?: (p: RunProgress) => void;
}

export interface AggregateResult {
  readonly model: ReportModel;
  readonly pruned: readonly string[];
  /** What was left out to read each file once, as notes. */
  readonly leftOut: readonly string[];
  readonly unmatched: number;
  /** Header columns named by --where or --group-by that no header read has. */
  readonly missingColumns: readonly string[];
}

/** Canonical names of the --group-by fields (a derived field's own spelling). */
export function canonicalFields(fields: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const ref = resolveField(f);
    if (ref !== null && !out.includes(ref.name)) out.push(ref.name);
  }
  return out;
}

export async function runAggregate(req: AggregateRequest): Promise<AggregateResult> {
  checkQuery(req, req.groupBy, '--group-by');
  const fields = canonicalFields(req.groupBy);
  const dims = fields.filter((f) => f !== 'bucket');
  const bucket = req.bucket ?? (fields.includes('bucket') ? '1h' : null);
  const order = req.sort === null ? undefined : parseSort(req.sort, fields);
  const { files, pruned, leftOut } = queryInputs(req);
  const engine = engineOptions(req, dims, bucket);
  const result = await runRollup(files, engine, {
    threads: req.threads,
    autoThreads: req.autoThreads,
    minRange: req.minRange,
    onProgress: req.onProgress,
  });
  const model = buildModel(inputOfRun(result), { by: dims, bucket, since: req.since, until: req.until, tz: req.tz, top: req.top, order });
  const named = new Set<string>(req.where === null ? [] : prepareFilter(req.where, { tz: req.tz, now: req.now }).columns);
  for (const d of dims) {
    const ref = resolveField(d);
    if (ref !== null && ref.derived < 0) named.add(ref.column);
  }
  const missingColumns = files.length === 0 ? [] : [...named].filter((c) => !result.stats.columnsFound.includes(c));
  return { model, pruned, leftOut, unmatched: result.stats.unmatched, missingColumns };
}
