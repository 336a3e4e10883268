/**
 * What `ship` needs from a state, kept beside tail's tables without changing how tail writes them:
 * a change log and a ledger, both in the state database, maintained by SQLite triggers that `ship`
 * installs the first time it runs (a state never shipped pays nothing).
 *
 * - `ship_changes (seq, grain, bucket)`: one row per stored bucket of a tier, with the sequence
 *   number of its latest change. Triggers on each tier's per-bucket table (written by every commit
 *   that touches the bucket, and by aging when it moves a bucket on) replace the row with a new,
 *   higher `seq` (AUTOINCREMENT: never reused, strictly increasing). A bucket aging deleted is
 *   logged too, so that its rows are withdrawn from the fleet store (tombstones).
 * - `ship_ledger`: the highest `seq` the fleet store acknowledged. Only `ship` advances it, after
 *   ClickHouse answered.
 * - The last tier's buckets with changes not yet acknowledged are not deleted by the retention
 *   (a BEFORE DELETE trigger skips them, RAISE(IGNORE)): what tail prunes has been shipped.
 *
 * The rows shipped carry a version from the same sequence, taken afresh for every insert attempt
 * (allocateVersion): higher than every change it sends, lower than every later change, never
 * repeated, so the fleet store's rows of a bucket at its highest version are one complete copy.
 */
import type { Db, StateConfig } from './state-db.js';
import { stateKeyColumns, stateTiers, UNTIMED_BUCKET } from './state-db.js';
import { COUNTER_NAMES } from '../rollup/counters.js';
import { BINS } from '../rollup/latency.js';
import { decodeHexHistInto } from './hist-codec.js';
import type { Tier } from './tiers.js';

export interface Change {
  readonly seq: number;
  readonly grain: string;
  readonly bucket: number;
}

/**
 * Creates the log, ledger and triggers when missing; returns whether it did (the first ship). On a
 * state whose triggers an earlier release made with INSERT OR REPLACE (which fail tail's commits,
 * see triggers()), they are made again.
 */
export function installShipLog(db: Db, config: StateConfig): boolean {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ship_ledger'").get() !== undefined;
  const tiers = stateTiers(config);
  if (exists) {
    const mine = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 5) = 'ship_'").all() as {
      name: string;
      sql: string;
    }[];
    if (mine.some((t) => t.sql.includes('INSERT OR REPLACE')))
      db.transaction(() => {
        for (const t of mine) db.exec(`DROP TRIGGER "${t.name}"`);
        tiers.forEach((t, i) => db.exec(triggers(t, i === tiers.length - 1)));
      })();
    return false;
  }
  db.transaction(() => {
    db.exec(`
      CREATE TABLE ship_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, grain TEXT NOT NULL, bucket INTEGER NOT NULL, UNIQUE (grain, bucket));
      CREATE TABLE ship_ledger (id INTEGER PRIMARY KEY CHECK (id = 1), acked INTEGER NOT NULL, at INTEGER NOT NULL);
      INSERT INTO ship_ledger (id, acked, at) VALUES (1, 0, 0);`);
    tiers.forEach((t, i) => db.exec(triggers(t, i === tiers.length - 1)));
    // Everything stored so far is a change not shipped yet.
    for (const t of tiers)
      db.prepare(
        `INSERT INTO ship_changes (grain, bucket) SELECT '${t.grain}', bucket FROM ${t.buckets} WHERE bucket <> ${UNTIMED_BUCKET} ORDER BY bucket`,
      ).run();
  })();
  return true;
}

/**
 * Every stored bucket logged again as not shipped, above every earlier change, and the ledger back
 * to 0: for a store that has never heard of this state's host (another store, a store rebuilt, or
 * the host renamed), where what the ledger acknowledged is not.
 */
export function reseedShipLog(db: Db, config: StateConfig): number {
  return db.transaction(() => {
    db.prepare('DELETE FROM ship_changes').run();
    db.prepare('UPDATE ship_ledger SET acked = 0, at = 0 WHERE id = 1').run();
    let n = 0;
    for (const t of stateTiers(config))
      n += db
        .prepare(
          `INSERT INTO ship_changes (grain, bucket) SELECT '${t.grain}', bucket FROM ${t.buckets} WHERE bucket <> ${UNTIMED_BUCKET} ORDER BY bucket`,
        )
        .run().changes;
    return n;
  })();
}

/**
 * The triggers that log a tier's changes. The log's row is deleted and inserted again, not INSERT
 * OR REPLACE'd: a trigger's conflict clause gives way to the firing statement's, and tail's commits
 * are upserts (ON CONFLICT DO UPDATE), under which a REPLACE in the trigger fails as a UNIQUE
 * violation the moment a commit adds to a bucket already logged (every live commit does).
 */
function triggers(t: Tier, last: boolean): string {
  const log = (row: 'NEW' | 'OLD') =>
    `DELETE FROM ship_changes WHERE grain = '${t.grain}' AND bucket = ${row}.bucket; INSERT INTO ship_changes (grain, bucket) VALUES ('${t.grain}', ${row}.bucket)`;
  const pending = `OLD.bucket IN (SELECT bucket FROM ship_changes WHERE grain = '${t.grain}' AND seq > (SELECT acked FROM ship_ledger))`;
  const name = `ship_${t.index}`;
  const common = `
    CREATE TRIGGER ${name}_ins AFTER INSERT ON ${t.buckets} WHEN NEW.bucket <> ${UNTIMED_BUCKET} BEGIN ${log('NEW')}; END;
    CREATE TRIGGER ${name}_upd AFTER UPDATE ON ${t.buckets} WHEN NEW.bucket <> ${UNTIMED_BUCKET} BEGIN ${log('NEW')}; END;`;
  if (!last)
    return `${common}
    CREATE TRIGGER ${name}_del AFTER DELETE ON ${t.buckets} WHEN OLD.bucket <> ${UNTIMED_BUCKET} BEGIN ${log('OLD')}; END;`;
  // The last tier's deletes are the retention's: the fleet store keeps its own; unshipped ones stay.
  return `${common}
    CREATE TRIGGER ${name}_keep_groups BEFORE DELETE ON ${t.groups} WHEN ${pending} BEGIN SELECT RAISE(IGNORE); END;
    CREATE TRIGGER ${name}_keep_buckets BEFORE DELETE ON ${t.buckets} WHEN ${pending} BEGIN SELECT RAISE(IGNORE); END;`;
}

/**
 * Versions above `floor` (the highest the fleet store holds for this host, e.g. from an earlier
 * state of the same host): what is logged and not acknowledged is renumbered above it, in order.
 */
export function raiseSeqFloor(db: Db, floor: number): void {
  db.transaction(() => {
    const low = (
      db.prepare('SELECT min(seq) AS s FROM ship_changes WHERE seq > (SELECT acked FROM ship_ledger)').get() as { s: number | null }
    ).s;
    if (low === null || low > floor) return;
    const cur = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'ship_changes'").get() as { seq: number } | undefined)?.seq ?? 0;
    const rows = db.prepare('SELECT grain, bucket FROM ship_changes WHERE seq > (SELECT acked FROM ship_ledger) ORDER BY seq').all() as {
      grain: string;
      bucket: number;
    }[];
    db.prepare('DELETE FROM ship_changes WHERE seq > (SELECT acked FROM ship_ledger)').run();
    // sqlite_sequence has no key on name: update the row, or add it.
    const start = Math.max(floor, cur);
    if (db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'ship_changes'").run(start).changes === 0) {
      db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('ship_changes', ?)").run(start);
    }
    const put = db.prepare('INSERT INTO ship_changes (grain, bucket) VALUES (?, ?)');
    for (const r of rows) put.run(r.grain, r.bucket);
  })();
}

/**
 * A fresh version for one insert attempt: the next number of the change log's own sequence, taken
 * (persisted) before the attempt, so no two attempts share a version and a bucket changed after it
 * gets a higher one. Call inside the write transaction that reads what the attempt sends, so the
 * version order is the order of the snapshots even when two ships run at once.
 */
export function allocateVersion(db: Db): number {
  const row = db.prepare("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'ship_changes' RETURNING seq").get() as
    { seq: number } | undefined;
  if (row !== undefined) return row.seq;
  db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('ship_changes', 1)").run();
  return 1;
}

export function ackedSeq(db: Db): number {
  return (db.prepare('SELECT acked FROM ship_ledger').get() as { acked: number }).acked;
}

/** Records that the fleet store holds everything up to `seq` (call only after it answered). */
export function acknowledge(db: Db, seq: number, now: number): void {
  db.prepare('UPDATE ship_ledger SET acked = max(acked, ?), at = ? WHERE id = 1').run(seq, now);
}

/** Changes after the ledger, oldest first, at most `limit`. */
export function pendingChanges(db: Db, limit: number): Change[] {
  return db
    .prepare('SELECT seq, grain, bucket FROM ship_changes WHERE seq > (SELECT acked FROM ship_ledger) ORDER BY seq LIMIT ?')
    .all(limit) as Change[];
}

export function pendingCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM ship_changes WHERE seq > (SELECT acked FROM ship_ledger)').get() as { n: number }).n;
}

/** One stored group as shipped: its key values by the state's dimensions, counters, sparse histogram. */
export interface StoredGroup {
  readonly key: readonly string[];
  readonly counters: readonly number[];
  readonly bins: readonly number[];
  readonly counts: readonly number[];
}

export interface StoredBucket {
  readonly counted: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly groups: readonly StoredGroup[];
}

/** Reads what a tier holds for a bucket now (null: nothing; it was moved on or never held). */
export class BucketReader {
  private readonly values: string[][];
  private readonly tiers: Map<string, Tier>;
  private readonly keys: string[];
  constructor(
    private readonly db: Db,
    private readonly config: StateConfig,
  ) {
    this.tiers = new Map(stateTiers(config).map((t) => [t.grain, t]));
    this.keys = stateKeyColumns(config);
    this.values = config.dims.map(() => []);
    for (const r of db.prepare('SELECT dim, id, value FROM dim_values').iterate() as Iterable<{ dim: number; id: number; value: string }>) {
      const v = this.values[r.dim];
      if (v !== undefined) v[r.id] = r.value;
    }
  }

  read(grain: string, bucket: number): StoredBucket | null {
    const t = this.tiers.get(grain);
    if (t === undefined) return null;
    const b = this.db.prepare(`SELECT counted, first_event, last_event FROM ${t.buckets} WHERE bucket = ?`).get(bucket) as
      { counted: number; first_event: number | null; last_event: number | null } | undefined;
    if (b === undefined) return null;
    const cols = [...this.keys, ...COUNTER_NAMES.map((n) => `"${n}"`), 'hex(hist)'];
    const rows = this.db
      .prepare(`SELECT ${cols.join(', ')} FROM ${t.groups} WHERE bucket = ?`)
      .raw(true)
      .all(bucket) as unknown[][];
    const k = this.keys.length;
    const hist = new Uint32Array(BINS);
    const groups = rows.map((row) => {
      const key = this.config.dims.map((_, d) => this.values[d][row[d] as number] ?? '');
      const counters = COUNTER_NAMES.map((_, i) => row[k + i] as number);
      const bins: number[] = [];
      const counts: number[] = [];
      const hex = row[k + COUNTER_NAMES.length];
      if (typeof hex === 'string' && hex.length > 0) {
        hist.fill(0);
        decodeHexHistInto(hex, hist, 0);
        for (let i = 0; i < BINS; i++)
          if (hist[i] !== 0) {
            bins.push(i);
            counts.push(hist[i]);
          }
      }
      return { key, counters, bins, counts };
    });
    return { counted: b.counted, first: b.first_event, last: b.last_event, groups };
  }
}
