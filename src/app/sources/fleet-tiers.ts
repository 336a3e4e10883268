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
 */
import { sqlInt, sqlLabels } from '../../clickhouse/sql.js';

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
const slot = (expr: string) => `toUInt32(intDiv(${expr}, ${QUARTER}))`;

function liveBuckets(s: TierScope, grainCond: string, extra: readonly string[]): string {
  const w = [grainCond, 'deleted = 0', ...extra];
  if (s.hosts !== null) w.push(`host IN (${sqlLabels(s.hosts, '--hosts')})`);
  return `FROM ${s.db}.${s.bucketsLocal} FINAL WHERE ${w.join(' AND ')}`;
}

/** The condition (on host, grain, bucket) that picks one tier per host and hour under `rule`. */
export function tierCondition(rule: TierRule, s: TierScope): string {
  if (rule.prefer === 'hours') {
    const whole: string[] = [];
    if (s.since !== null) whole.push(`bucket >= ${sqlInt(s.since)}`);
    if (s.until !== null) whole.push(`bucket + 3600 <= ${sqlInt(s.until)}`);
    if (rule.align !== undefined && rule.align !== null) whole.push(`bucket % 3600 = ${sqlInt(rule.align)}`);
    const hours = liveBuckets(s, `grain = '${HOUR}'`, whole);
    const taken = `SELECT host, bucket ${hours}`;
    const covered = `SELECT host, toUInt32(intDiv(bucket, ${QUARTER}) + arrayJoin([0, 1, 2, 3])) ${hours}`;
    return `((grain = '${HOUR}' AND (host, bucket) IN (${taken})) OR (${SUB} AND (host, ${slot('bucket')}) NOT IN (${covered})) OR grain NOT IN (${sqlLabels([...SUB_HOUR, HOUR], 'grain')}))`;
  }
  const range: string[] = [];
  if (s.since !== null) range.push(`bucket >= ${sqlInt(s.since)}`);
  if (s.until !== null) range.push(`bucket < ${sqlInt(s.until + 3600)}`);
  const fine = `SELECT host, ${slot('bucket')} ${liveBuckets(s, SUB, range)}`;
  const none = [0, 1, 2, 3].map((i) => `(host, ${slot(`bucket + ${i * QUARTER}`)}) NOT IN (${fine})`);
  return `(grain != '${HOUR}' OR (${none.join(' AND ')}))`;
}
