/**
 * Which tier's rows a fleet read takes for each host and hour. A host's state may hold an hour in
 * two tiers at once (its 1h row written at every commit beside the 5-minute rows) or in one (the
 * 5-minute rows rolled into the hour as they aged, as states before that did): summing every grain
 * would count such an hour twice. So, per host and hour:
 *
 * - `hours` (an answer with no time series, or buckets of an hour or more): the 1h row for an hour
 *   that has one and lies whole in the range (and, for a series, starts on the answer's hour
 *   boundaries), the sub-hour rows for every other hour (states whose hours are not rolled up
 *   yet, and the partial hours at the range's edges);
 * - `fine` (a series of sub-hour buckets): the sub-hour rows where the host has them, its 1h row
 *   only for an hour without any (rolled up, which the series then reports as it always has).
 *
 * Coarser grains (a day) hold a bucket only when its hours were rolled into it (one tier at a
 * time) and are read as stored. Every zone's offset is a whole number of quarter hours, so a 1h
 * bucket starts on a quarter hour and a sub-hour bucket lies in one quarter hour of one hour: the
 * hour's rows and the sub-hour rows meet on (host, quarter-hour slot), which needs no time zone.
 * The sets are read from `buckets` (a row per stored bucket, small) on each shard's local table:
 * a host's rows are on one shard.
 *
 * `tierCondition` is the choice as one condition (over `buckets`, and over `groups` read with
 * FINAL); `tierArms` is the same choice cut by grain into conditions that each name their grains
 * (ClickHouse then reads only those grains' partitions) and, for the tier taken only here and there,
 * the (host, grain, bucket) of its live buckets (which the sort key finds without a scan). Over
 * `groups` the two differ in one case only: a bucket whose rows were inserted but whose `buckets`
 * row was not yet (a ship killed between the two inserts, which re-sends both) is left out of the
 * arms' odd tier until then, as the `taken` hours always were.
 */
import { sqlInt, sqlLabels } from '../../clickhouse/sql.js';
import { BUCKET_SIZES } from '../../rollup/buckets.js';

/** Grains finer than an hour (state tiers: rollup/buckets.ts sizes under 3600 s). */
export const SUB_HOUR: readonly string[] = ['1m', '5m', '15m'];
const HOUR = '1h';
const QUARTER = 900;

export interface TierRule {
  readonly prefer: 'hours' | 'fine';
  /** `hours` in a time series: only hours starting at this offset (seconds, mod 3600). */
  readonly align?: number | null;
}

export interface TierScope {
  readonly db: string;
  /** The `buckets` table on each shard (or the plain table). */
  readonly bucketsLocal: string;
  readonly hosts: readonly string[] | null;
  readonly since: number | null;
  readonly until: number | null;
}

const SUB = `grain IN (${sqlLabels(SUB_HOUR, 'grain')})`;
/**
 * The grains other than the hour's, and those coarser than an hour, named: a state's tiers are
 * bucket sizes (ship sends no other grain), and a condition that names its grains lets ClickHouse
 * skip the other grains' partitions, where `grain NOT IN (...)` / `grain != ...` read the grain
 * column of every row (the report's read of coarser grains, which finds none in a week's store,
 * cost 0.12-0.16 s of server CPU a shard on 18.16 as NOT IN, 3-4 ms named).
 */
const NOT_HOUR = `grain IN (${sqlLabels(
  BUCKET_SIZES.filter((g) => g !== HOUR),
  'grain',
)})`;
const COARSE = `grain IN (${sqlLabels(
  BUCKET_SIZES.filter((g) => g !== HOUR && !SUB_HOUR.includes(g)),
  'grain',
)})`;
const slot = (expr: string) => `toUInt32(intDiv(${expr}, ${QUARTER}))`;

function liveBuckets(s: TierScope, grainCond: string, extra: readonly string[]): string {
  const w = [grainCond, 'deleted = 0', ...extra];
  if (s.hosts !== null) w.push(`host IN (${sqlLabels(s.hosts, '--hosts')})`);
  return `FROM ${s.db}.${s.bucketsLocal} FINAL WHERE ${w.join(' AND ')}`;
}

/** The bucket range of `s`, as conditions on `bucket`. */
function rangeOf(s: TierScope, untilSlack = 0): string[] {
  const w: string[] = [];
  if (s.since !== null) w.push(`bucket >= ${sqlInt(s.since)}`);
  if (s.until !== null) w.push(`bucket < ${sqlInt(s.until + untilSlack)}`);
  return w;
}

/**
 * The choice under `rule` by grain: `main`, the tier taken wherever a host has it; `odd`, the
 * other tier where `main` leaves a host's hour to it, as a condition (`oddCond`) and as the live
 * buckets it takes (`oddRead`); `rest`, the grains of neither.
 */
function choice(rule: TierRule, s: TierScope): { main: string; oddCond: string; oddRead: string; rest: string | null } {
  if (rule.prefer === 'hours') {
    const whole: string[] = [];
    if (s.since !== null) whole.push(`bucket >= ${sqlInt(s.since)}`);
    if (s.until !== null) whole.push(`bucket + 3600 <= ${sqlInt(s.until)}`);
    if (rule.align !== undefined && rule.align !== null) whole.push(`bucket % 3600 = ${sqlInt(rule.align)}`);
    const hours = liveBuckets(s, `grain = '${HOUR}'`, whole);
    const covered = `SELECT host, toUInt32(intDiv(bucket, ${QUARTER}) + arrayJoin([0, 1, 2, 3])) ${hours}`;
    const uncovered = `(host, ${slot('bucket')}) NOT IN (${covered})`;
    return {
      main: `grain = '${HOUR}' AND (host, bucket) IN (SELECT host, bucket ${hours})`,
      oddCond: `${SUB} AND ${uncovered}`,
      oddRead: `${SUB} AND (host, grain, bucket) IN (SELECT host, grain, bucket ${liveBuckets(s, SUB, [...rangeOf(s), uncovered])})`,
      rest: COARSE,
    };
  }
  const fine = `SELECT host, ${slot('bucket')} ${liveBuckets(s, SUB, rangeOf(s, 3600))}`;
  const none = [0, 1, 2, 3].map((i) => `(host, ${slot(`bucket + ${i * QUARTER}`)}) NOT IN (${fine})`).join(' AND ');
  return {
    main: NOT_HOUR,
    oddCond: `grain = '${HOUR}' AND ${none}`,
    oddRead: `grain = '${HOUR}' AND (host, grain, bucket) IN (SELECT host, grain, bucket ${liveBuckets(s, `grain = '${HOUR}'`, [...rangeOf(s), none])})`,
    rest: null,
  };
}

/** The condition (on host, grain, bucket) that picks one tier per host and hour under `rule`. */
export function tierCondition(rule: TierRule, s: TierScope): string {
  const c = choice(rule, s);
  return `((${c.main}) OR (${c.oddCond})${c.rest === null ? '' : ` OR ${c.rest}`})`;
}

/** One read of `tierArms`: its condition, and the one grain it names (null: several). */
export interface TierArm {
  readonly where: string;
  readonly grain: string | null;
}

/**
 * The same choice as conditions on `groups` to read one by one and add up (the grains do not
 * overlap): each names its grains, and the odd tier's names its buckets, so a read of a week takes
 * the hours' partitions and the few 5-minute buckets at its edges, not every 5-minute row.
 */
export function tierArms(rule: TierRule, s: TierScope): TierArm[] {
  const c = choice(rule, s);
  const hours = rule.prefer === 'hours';
  return [
    { where: c.main, grain: hours ? HOUR : null },
    { where: c.oddRead, grain: hours ? null : HOUR },
    ...(c.rest === null ? [] : [{ where: c.rest, grain: null }]),
  ];
}
