/**
 * `report --state DIR` and `check --state DIR`: the same request and the same model as over files,
 * from the buckets `tail` stored. Only the range asked is read, regrouped to the asked dimensions
 * and buckets while it is read (state/stored-read.ts), so a bucket is byte-identical in JSON to the
 * same bucket computed from the rotated files, and the cost follows the question, not the state.
 */
import { resolve } from 'node:path';
import type { ProblemCode } from '../../parse/problems.js';
import { PmtaAcctError } from '../../errors.js';
import { makeBucketing, type BucketSize } from '../../rollup/buckets.js';
import { Rollup } from '../../rollup/rollup.js';
import { countFiles, readGaps } from '../../state/file-rows.js';
import { readProblems, readTotals } from '../../state/rollup-store.js';
import { openStateForReading, type Db, type StateConfig } from '../../state/state-db.js';
import { rangeStats, readRollup, storedEdge, tierSpans, type BucketRange } from '../../state/stored-read.js';
import { piecesOf, stateLayout, type Layout } from '../../state/layout.js';
import type { Tier } from '../../state/tiers.js';
import { withStateFaults } from '../../state/state-faults.js';
import type { VerdictPlan } from '../../verdict/plan.js';
import type { HistorySource } from '../../history/history.js';
import { ModelHistory } from '../../history/model-history.js';
import type { CheckAnswer, ReportShape, RollupQuestion, RollupSource, SourceReport } from './rollup-source.js';
import { buildModel, type ModelInput, type ReportModel } from '../../model/model.js';
import { isoTime } from '../../render/format.js';
import { judgeStateDir, judgeStoredState, stateIncidents } from './state-verdicts.js';

export interface StateReport {
  readonly model: ReportModel;
  /** Things the user should know (a range moved to bucket edges). */
  readonly notes: readonly string[];
}

/** Everything but the rollup: input figures from totals, files, problems and per-bucket counts. */
function stateInput(db: Db, layout: Layout, range: BucketRange | null, rollup: Rollup): ModelInput {
  const totals = readTotals(db);
  const unknownTypes: Record<string, number> = {};
  const problemCounts: Partial<Record<ProblemCode, number>> = {};
  for (const [name, value] of totals) {
    if (name.startsWith('unknown:')) unknownTypes[name.slice(8)] = value;
    if (name.startsWith('problem:')) problemCounts[name.slice(8) as ProblemCode] = value;
  }
  const stats = rangeStats(db, layout, range);
  const files = countFiles(db);
  return {
    rollup,
    stats: {
      records: totals.get('records') ?? 0,
      counted: stats.counted,
      filtered: range === null ? 0 : stats.outside,
      untimed: range === null ? 0 : stats.untimed,
      unknownTypes,
      firstEvent: stats.firstEvent,
      lastEvent: stats.lastEvent,
    },
    files: files.files,
    bytes: files.bytes,
    badRecords: totals.get('badRecords') ?? 0,
    warnings: totals.get('warnings') ?? 0,
    problemCounts,
    problems: readProblems(db),
    gaps: readGaps(db),
  };
}

const ORDER: readonly BucketSize[] = ['1m', '5m', '15m', '1h', '1d'];

/**
 * `--bucket` finer than what the state holds somewhere in the range: an error that says where the
 * state has which grain and what to ask instead (never a coarser grain passed off as the finer).
 */
function checkGrain(db: Db, dir: string, config: StateConfig, layout: Layout, bucket: BucketSize, range: BucketRange, tz: string): void {
  if (ORDER.indexOf(bucket) < ORDER.indexOf(config.bucket)) {
    throw new PmtaAcctError('USAGE', `--bucket ${bucket}: the state in ${dir} keeps ${config.bucket} buckets, the finest it can report`);
  }
  const coarse = tierSpans(db, layout, range).filter((s) => ORDER.indexOf(s.tier.grain) > ORDER.indexOf(bucket));
  if (coarse.length === 0) return;
  const parts = coarse.map((s) => `${s.tier.grain} buckets from ${isoTime(s.first, tz)} to ${isoTime(s.tier.bucketing.next(s.last), tz)}`);
  const after = Math.max(...coarse.map((s) => s.tier.bucketing.next(s.last)));
  const coarsest = coarse.reduce((a, s) => (ORDER.indexOf(s.tier.grain) > ORDER.indexOf(a) ? s.tier.grain : a), bucket);
  throw new PmtaAcctError(
    'USAGE',
    `--bucket ${bucket}: in this range the state in ${dir} keeps only ${parts.join(' and ')} (tail rolls buckets up as they age: --retain); ask --bucket ${coarsest}, or --since ${isoTime(after, tz)}`,
  );
}

/**
 * The coarsest tier a report may read where finer ones hold the time too: any, without --bucket;
 * with one, the coarsest whose buckets fit inside it (tiers.ts makes the coarser grains fit the
 * state's own zone; in another zone only the finest is sure to).
 */
function coarsestFor(tiers: readonly Tier[], bucket: BucketSize | null, sameZone: boolean): number {
  if (bucket === null) return tiers.length - 1;
  if (!sameZone) return 0;
  let top = 0;
  for (const t of tiers) if (ORDER.indexOf(t.grain) <= ORDER.indexOf(bucket)) top = t.index;
  return top;
}

export function runStateReport(dir: string, req: RollupQuestion): StateReport {
  const state = openStateForReading(dir);
  try {
    // One read transaction: a snapshot, while tail may move buckets from one tier to the next.
    return state.db.transaction(() => reportOf(state.dir, state.db, state.config, req))();
  } finally {
    state.close();
  }
}

function reportOf(dir: string, db: Db, c: StateConfig, req: RollupQuestion): StateReport {
  const layout = stateLayout(db, c);
  const tiers = layout.tiers;
  const dims: string[] = [...req.by];
  for (const d of req.alsoBy) if (!dims.includes(d) && c.dims.includes(d)) dims.push(d);
  const missing = req.by.filter((d) => !c.dims.includes(d));
  if (missing.length > 0) {
    throw new PmtaAcctError(
      'USAGE',
      `--by ${missing.join(',')}: the state in ${dir} keeps ${c.dims.join(', ')} (tail --dims sets what a new state keeps)`,
    );
  }
  const notes: string[] = [];
  const edge = (t: number | null, name: string): number | null => {
    if (t === null) return null;
    const s = storedEdge(db, layout, t);
    if (s.start !== t)
      notes.push(
        `${name} ${isoTime(t, req.tz)} is inside a stored ${s.grain} bucket: reporting ${name === '--since' ? 'from' : 'until'} ${isoTime(s.start, req.tz)}, the bucket's start`,
      );
    return s.start;
  };
  const since = edge(req.since, '--since');
  const until = edge(req.until, '--until');
  const range: BucketRange | null = req.since !== null || req.until !== null ? { since, until } : null;
  let bucketOf: ((start: number, tier: Tier) => number) | null = null;
  if (req.bucket !== null) {
    checkGrain(db, dir, c, layout, req.bucket, range ?? { since: null, until: null }, req.tz);
    const b = makeBucketing(req.bucket, req.tz);
    bucketOf = (start, tier) => {
      const at = b.start(start);
      if (b.start(tier.bucketing.next(start) - 1) !== at) {
        const what = tier.grain === '1d' ? `local days of ${c.tz}` : `${tier.grain} buckets`;
        throw new PmtaAcctError(
          'USAGE',
          `--bucket ${req.bucket} --tz ${req.tz}: the state's ${what} do not fit inside ${req.bucket} buckets of this zone`,
        );
      }
      return at;
    };
  }
  const rollup = readRollup(db, c, piecesOf(layout, range, coarsestFor(tiers, req.bucket, req.tz === c.tz)), {
    dims,
    bucketOf,
    hist: true,
  });
  const model = buildModel(stateInput(db, layout, range, rollup), {
    by: req.by,
    bucket: req.bucket,
    since,
    until,
    tz: req.tz,
    top: req.top,
    views: req.views,
  });
  return { model, notes };
}

/**
 * `check --state`: the verdicts over the buckets the rules' windows need, and the input line from
 * per-bucket counts; nothing else is read, so a check costs the same on a day-old state and on a
 * year-old one.
 */
export function checkStateModel(dir: string, req: RollupQuestion, plan: VerdictPlan, now: number): ReportModel {
  const state = openStateForReading(dir);
  try {
    const c = state.config;
    return state.db.transaction(() => {
      const input = stateInput(state.db, stateLayout(state.db, c), null, new Rollup([]));
      const model = buildModel(input, { by: [], bucket: null, since: null, until: null, tz: req.tz, top: null });
      return { ...model, verdicts: judgeStoredState(state.db, c, plan, now), rules: plan.rules };
    })();
  } finally {
    state.close();
  }
}

/**
 * The rollup source of a tail state: buckets read for the range asked (the grain the state holds
 * there), verdict windows ending at `--at` or now (`now`: the CLI's clock), and the state itself as
 * the history `--compare` reads when no `--history DIR` is given. The model has the state's own
 * buckets: no chart buckets, and no day files for --save (`days` is null).
 */
export class StateSource implements RollupSource {
  constructor(
    private readonly dir: string,
    private readonly now: number,
  ) {}

  report(q: RollupQuestion, _shape: ReportShape): Promise<SourceReport> {
    return Promise.resolve(
      this.reading(() => {
        const { model, notes } = runStateReport(this.dir, q);
        const plan = q.verdicts ?? null;
        if (plan === null) return { model, notes, days: null };
        const verdicts = judgeStateDir(this.dir, plan, this.now);
        const incidents = stateIncidents(this.dir, plan, q.since, q.until, verdicts.end);
        return { model: { ...model, verdicts, incidents, rules: plan.rules }, notes, days: null };
      }),
    );
  }

  check(q: RollupQuestion, plan: VerdictPlan): Promise<CheckAnswer> {
    return Promise.resolve({ model: this.reading(() => checkStateModel(this.dir, q, plan, this.now)), notes: [] });
  }

  /** A damaged, locked or unreadable state is a STATE error naming the directory (state-faults.ts). */
  private reading<T>(fn: () => T): T {
    return withStateFaults(resolve(this.dir), 'reading the state', fn);
  }

  /** Per-ISP and per-IP buckets for --retain days, judged for incidents as the report is. */
  history(q: RollupQuestion): HistorySource {
    return new ModelHistory(`the tail state in ${this.dir}`, (since, until, tz) =>
      Promise.resolve(
        this.reading(() => {
          const { model } = runStateReport(this.dir, { ...q, by: ['isp', 'ip'], alsoBy: [], bucket: null, since, until, tz, top: null });
          const plan = q.verdicts ?? null;
          const incidents = plan === null ? null : stateIncidents(this.dir, plan, since, until, until);
          return model.input.counted === 0 ? null : { ...model, incidents };
        }),
      ),
    );
  }
}
