/**
 * What a rollup run needs to know, as plain data: it crosses into worker threads unchanged.
 */
import { DEFAULT_HARD_CATEGORIES } from '../classify/bounce.js';
import type { Dimension } from '../classify/classifier.js';
import type { Config } from '../config/config-file.js';
import { DEFAULT_KEEP } from '../parse/problems.js';
import { DEFAULT_CHUNK, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_LINES } from '../parse/reader.js';
import type { IspOverrides } from '../classify/isp-map.js';
import type { BucketSize } from '../rollup/buckets.js';

export interface EngineOptions {
  /**
   * Dimensions of the rollup's key: report's dimensions, the other derived fields (outcome, hard,
   * latency, diag) or header columns by name (classify/fields.ts).
   */
  readonly dims: readonly string[];
  /** Time bucket of the key; null for none. */
  readonly bucket: BucketSize | null;
  /** Zone for 1d buckets. */
  readonly tz: string;
  /** Event-time range [since, until) in epoch seconds; null = open. */
  readonly since: number | null;
  readonly until: number | null;
  readonly hardCategories: readonly string[];
  readonly isps: IspOverrides;
  /** Header names in effect before the first header row (`--header`). */
  readonly header: readonly string[] | null;
  /** A bad record is fatal. */
  readonly strict: boolean;
  readonly keepProblems: number;
  /**
   * Groups a task's rollups make room for at first (Rollup's default when absent): the warm read
   * (warm-up.ts) starts from 1, so that their growth runs while it reads.
   */
  readonly firstRoom?: number;
  readonly chunkSize: number;
  readonly maxRecordBytes: number;
  readonly maxRecordLines: number;
  /** A --where expression (query/parser.ts): only matching records are counted. */
  readonly where?: string | null;
  /** Epoch seconds that relative times in `where` (`24h`, `yesterday`) count from. */
  readonly now?: number;
  /** A second rollup counted in the same pass for verdict windows (absent or null: none). */
  readonly windows?: WindowRollupSpec | null;
  /** The most groups the rollup may hold (query --max-groups, group-limit.ts); absent: no limit. */
  readonly maxGroups?: number;
}

/**
 * The verdict rollup: fine epoch-aligned buckets by the dimensions the rules scope, no latency
 * histograms (a histogram per 5-minute group would cost ~700 bytes each), and only the buckets a
 * window ending at the latest event (or at `until`) can reach.
 */
export interface WindowRollupSpec {
  readonly dims: readonly Dimension[];
  /** Sub-hour bucket: windows are whole buckets. */
  readonly bucket: '1m' | '5m';
  /** Event-time range counted, on top of the run's own range; null = open. */
  readonly since: number | null;
  readonly until: number | null;
  /** Seconds before the window end that a window can reach (the longest window). */
  readonly horizon: number;
  /**
   * Seconds before the last window end that other window ends are judged (incidents: every window
   * of the period's last INCIDENT_REACH); 0 or absent: only the last end.
   */
  readonly reach?: number;
}

/** First bucket start a window ending at `end` (exclusive), or `reach` before it, can reach. */
export function windowKeepFrom(spec: WindowRollupSpec, bucketSeconds: number, end: number): number {
  const from = end - (spec.reach ?? 0) - spec.horizon;
  return from - (((from % bucketSeconds) + bucketSeconds) % bucketSeconds);
}

/** Counts a run keeps besides the rollup. */
export interface SinkStats {
  /** Data records read under a header (bad ones included until they are rejected). */
  records: number;
  /** Records counted in the rollup. */
  counted: number;
  /** Records outside --since/--until. */
  filtered: number;
  /** Records without any time column, left out because a time range was asked for. */
  untimed: number;
  /** Records of a type pmta-acct does not know, by type code. */
  unknownTypes: Record<string, number>;
  /** Records left out because they do not match --where. */
  unmatched: number;
  /** Header columns named by --where or the dimensions (lowercase) found in at least one header. */
  columnsFound: string[];
  /** Earliest and latest event time counted (epoch seconds), null when none. */
  firstEvent: number | null;
  lastEvent: number | null;
}

export function emptyStats(): SinkStats {
  return {
    records: 0,
    counted: 0,
    filtered: 0,
    untimed: 0,
    unknownTypes: {},
    unmatched: 0,
    columnsFound: [],
    firstEvent: null,
    lastEvent: null,
  };
}

export function addStats(a: SinkStats, b: SinkStats): SinkStats {
  const unknownTypes = { ...a.unknownTypes };
  for (const [k, v] of Object.entries(b.unknownTypes)) unknownTypes[k] = (unknownTypes[k] ?? 0) + v;
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    records: a.records + b.records,
    counted: a.counted + b.counted,
    filtered: a.filtered + b.filtered,
    untimed: a.untimed + b.untimed,
    unknownTypes,
    unmatched: a.unmatched + b.unmatched,
    columnsFound: [...new Set([...a.columnsFound, ...b.columnsFound])],
    firstEvent: min(a.firstEvent, b.firstEvent),
    lastEvent: max(a.lastEvent, b.lastEvent),
  };
}

/** How records are read and classified: the reading options every command shares. */
export interface ReadSettings {
  readonly config: Config;
  readonly hardCategories: readonly string[] | null;
  readonly header: readonly string[] | null;
  readonly strict: boolean;
  readonly chunkSize?: number;
  readonly maxRecordBytes?: number;
  readonly maxRecordLines?: number;
}

/** Read settings of a run over files: with its threads (and the smallest byte range, for tests). */
export interface RunSettings extends ReadSettings {
  readonly threads: number;
  /** `threads` is a most, not an order: the user did not ask for a count (run.ts, thread-count.ts). */
  readonly autoThreads?: boolean;
  readonly minRange?: number;
}

/** What every command that reads accounting files is asked (report, check, query). */
export interface ReadingRequest extends ReadSettings {
  readonly tz: string;
  readonly since: number | null;
  readonly until: number | null;
}

/** Engine options for a reading request: the one place defaults are filled in. */
export function engineOptionsOf(req: ReadingRequest, dims: readonly string[], bucket: BucketSize | null): EngineOptions {
  return {
    dims,
    bucket,
    tz: req.tz,
    since: req.since,
    until: req.until,
    hardCategories: req.hardCategories ?? req.config.hardBounceCategories ?? DEFAULT_HARD_CATEGORIES,
    isps: req.config.isps,
    header: req.header,
    strict: req.strict,
    keepProblems: DEFAULT_KEEP,
    chunkSize: req.chunkSize ?? DEFAULT_CHUNK,
    maxRecordBytes: req.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    maxRecordLines: req.maxRecordLines ?? DEFAULT_MAX_RECORD_LINES,
  };
}
