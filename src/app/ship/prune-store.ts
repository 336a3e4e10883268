/**
 * `pmta-acct clickhouse prune --keep ...`: the fleet store's retention. 18.16 has no TTL, so whole
 * partitions are dropped: the tables are partitioned by (grain, week), and a partition goes when
 * its week ended longer ago than the grain's retention (`--keep 35d`, or per grain as tail's
 * `--retain`: `5m=7d,1h=35d,1d=400d`). The partitions are read from system.parts; a cluster's data
 * is in each server's local tables, so, as `init`, it runs once per server (a Distributed table has
 * no partitions of its own). Heartbeats are one row per host and are never pruned.
 *
 * The archived records (`load`) are partitioned by UTC day of the event time and are pruned only
 * when `records=DURATION` is given (a day goes once it ended longer ago than that): an existing
 * `--keep 35d` for the buckets does not start deleting forensic records. Records without an event
 * time (kept at 1970-01-01) are never pruned: their day says nothing about their age.
 */
import type { ClickHouse } from '../../clickhouse/connection.js';
import { sqlLabel } from '../../clickhouse/sql.js';
import type { RetainSpec } from '../../state/tiers.js';
import { RECORDS_READ_SCHEMA } from '../../clickhouse/schema.js';
import { requireStore } from '../../clickhouse/store-schema.js';

const WEEK = 7 * 86400;

export interface DroppedPartition {
  readonly table: string;
  /** The grain, or 'records' for a day of archived records. */
  readonly grain: string;
  /** The week's Monday (a day for records), epoch seconds (UTC). */
  readonly week: number;
  readonly rows: number;
}

const DAY = 86400;

/** The UTC day of a records partition (`20261128`), epoch seconds; null for the untimed day or other text. */
export function parseDayPartition(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m === null) return null;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000;
  return Number.isFinite(day) && day > 0 ? day : null;
}

/**
 * (grain, week) of a partition as system.parts shows it: `('5m','2026-11-02')`, the week as a date
 * or as a day number (the form depends on the server version); null for anything else.
 */
export function parsePartition(text: string): { grain: string; week: number } | null {
  const m = /^\('([^']*)',\s*(?:'(\d{4}-\d{2}-\d{2})'|(\d+))\)$/.exec(text);
  if (m === null) return null;
  const week = m[2] === undefined ? Number(m[3]) * 86400 : Date.parse(`${m[2]}T00:00:00Z`) / 1000;
  return Number.isFinite(week) ? { grain: m[1], week } : null;
}

/** The retention of a grain: its own, else the one for all; null keeps it for ever. */
function keepOf(spec: RetainSpec, grain: string): number | null {
  for (const [g, s] of spec.byGrain) if (g === grain) return s;
  return spec.all;
}

/** Drops (or with `dryRun` lists) the partitions older than the retention, on this server. */
export async function pruneStore(
  ch: ClickHouse,
  spec: RetainSpec,
  now: number,
  dryRun: boolean,
  keepRecords: number | null = null,
): Promise<DroppedPartition[]> {
  await requireStore(ch);
  const db = ch.target.database;
  const dbLabel = sqlLabel(db, 'database');
  const tables = await ch.select<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = ${dbLabel} AND name IN ('groups_local', 'buckets_local')`,
  );
  // isp_groups (schema 6) is partitioned as groups and goes with it.
  const bucketTables = ['groups', 'buckets', 'isp_groups'];
  const names = tables.length > 0 ? bucketTables.map((t) => `${t}_local`) : bucketTables;
  const parts = await ch.select<{ table: string; partition: string; partition_id: string; rows: number }>(
    `SELECT table, partition, partition_id, sum(rows) AS rows FROM system.parts
     WHERE database = ${dbLabel} AND active AND table IN ('${names.join("', '")}') GROUP BY table, partition, partition_id ORDER BY table, partition_id`,
  );
  const out: DroppedPartition[] = [];
  for (const p of parts) {
    const key = parsePartition(p.partition);
    if (key === null) continue;
    const keep = keepOf(spec, key.grain);
    if (keep === null || key.week + WEEK > now - keep) continue;
    // The id is ClickHouse's own (a hash or digits): checked before it goes into SQL text.
    if (!/^[0-9a-f]{1,64}$/.test(p.partition_id)) continue;
    if (!dryRun) await ch.command(`ALTER TABLE ${db}.${p.table} DROP PARTITION ID '${p.partition_id}'`);
    out.push({ table: p.table, grain: key.grain, week: key.week, rows: p.rows });
  }
  if (keepRecords !== null) out.push(...(await pruneRecords(ch, keepRecords, now, dryRun)));
  return out;
}

/** The days of records that ended longer ago than `keep` seconds. */
async function pruneRecords(ch: ClickHouse, keep: number, now: number, dryRun: boolean): Promise<DroppedPartition[]> {
  await requireStore(ch, RECORDS_READ_SCHEMA);
  const db = ch.target.database;
  const dbLabel = sqlLabel(db, 'database');
  const parts = await ch.select<{ table: string; partition_id: string; rows: number }>(
    `SELECT table, partition_id, sum(rows) AS rows FROM system.parts
     WHERE database = ${dbLabel} AND active AND table IN ('records', 'records_local') GROUP BY table, partition_id ORDER BY table, partition_id`,
  );
  const local = parts.some((p) => p.table === 'records_local');
  const out: DroppedPartition[] = [];
  for (const p of parts) {
    const day = parseDayPartition(p.partition_id);
    if ((local && p.table !== 'records_local') || day === null || day + DAY > now - keep) continue;
    if (!dryRun) await ch.command(`ALTER TABLE ${db}.${p.table} DROP PARTITION ID '${p.partition_id}'`);
    out.push({ table: p.table, grain: 'records', week: day, rows: p.rows });
  }
  return out;
}
