/**
 * `pmta-acct ship`: the buckets a tail state committed, sent to the fleet store exactly once in
 * effect. Each round reads, in one read transaction of the state, the oldest changed buckets after
 * the ledger (state/ship-log.ts) and what each tier holds for them now; it sends each bucket's
 * groups as absolute values with the bucket's change sequence as version, withdraws (deleted = 1,
 * same version) the keys the store still has for a bucket that the state no longer holds there
 * (aging moved it to a coarser tier), then the per-bucket counts, and only after ClickHouse
 * answered advances the ledger. Whatever is cut short (kill -9, a lost reply, a server restarted
 * mid-insert) is sent again with the same or a higher version, and ReplacingMergeTree(version) read
 * with FINAL keeps one row per key: re-sending replaces, it never adds.
 */
import { hostname } from 'node:os';
import type { ClickHouse } from '../../clickhouse/connection.js';
import { KEY_COLUMNS } from '../../clickhouse/schema.js';
import { sqlInt, sqlLabel } from '../../clickhouse/sql.js';
import { COUNTER_NAMES } from '../../rollup/counters.js';
import {
  acknowledge,
  ackedSeq,
  BucketReader,
  installShipLog,
  pendingChanges,
  pendingCount,
  raiseSeqFloor,
  type Change,
  type StoredBucket,
} from '../../state/ship-log.js';
import { openStateForReading, type OpenedState } from '../../state/state-db.js';
import { requireStore } from '../../clickhouse/store-schema.js';

/** Buckets per round: one insert per table per round. */
export const ROUND_BUCKETS = 500;
/** Every insert waits for the shard (Distributed tables are asynchronous by default). */
const INSERT_SETTINGS = { insert_distributed_sync: 1 } as const;

export interface ShipOptions {
  readonly stateDir: string;
  /** The host label (default: this machine's name). */
  readonly host: string;
  readonly roundBuckets?: number;
  /** Called after each acknowledged round (tests stop here; progress). */
  readonly afterRound?: (r: RoundResult) => void;
}

export interface RoundResult {
  readonly buckets: number;
  readonly rows: number;
  readonly withdrawn: number;
  readonly acked: number;
}

export interface ShipResult {
  readonly rounds: number;
  readonly buckets: number;
  readonly rows: number;
  readonly withdrawn: number;
  readonly acked: number;
  readonly pending: number;
}

export function defaultHost(): string {
  return hostname().split('.')[0] ?? 'localhost';
}

type Row = Record<string, string | number | readonly number[]>;

function groupRows(host: string, c: Change, b: StoredBucket, dims: readonly string[]): Row[] {
  return b.groups.map((g) => {
    const row: Row = { host, grain: c.grain, bucket: c.bucket };
    for (const k of KEY_COLUMNS) row[k] = '';
    dims.forEach((d, i) => {
      row[d] = g.key[i];
    });
    COUNTER_NAMES.forEach((n, i) => {
      row[n] = g.counters[i];
    });
    row.hist_bins = g.bins;
    row.hist_counts = g.counts;
    row.deleted = 0;
    row.version = c.seq;
    return row;
  });
}

function keyOf(row: Readonly<Record<string, unknown>>): string {
  return KEY_COLUMNS.map((k) => String(row[k])).join('\u0000');
}

export class Shipper {
  private readonly state: OpenedState;
  private readonly reader: BucketReader;
  private readonly db: string;

  private constructor(
    private readonly ch: ClickHouse,
    private readonly options: ShipOptions,
    state: OpenedState,
  ) {
    this.state = state;
    this.reader = new BucketReader(state.db, state.config);
    this.db = ch.target.database;
  }

  /** Opens the state (installing its change log on the first ship) and checks the store. */
  static async open(ch: ClickHouse, options: ShipOptions): Promise<Shipper> {
    sqlLabel(options.host, '--host');
    await requireStore(ch);
    const state = openStateForReading(options.stateDir, { writable: true });
    try {
      installShipLog(state.db, state.config);
      const s = new Shipper(ch, options, state);
      if (ackedSeq(state.db) === 0) raiseSeqFloor(state.db, await s.storedVersion());
      return s;
    } catch (err) {
      state.close();
      throw err;
    }
  }

  /** The highest version the store holds for this host (an earlier state of the same host). */
  private async storedVersion(): Promise<number> {
    const h = sqlLabel(this.options.host, '--host');
    const rows = await this.ch.select<{ v: number }>(`SELECT max(version) AS v FROM ${this.db}.buckets WHERE host = ${h}`);
    return rows[0]?.v ?? 0;
  }

  close(): void {
    this.state.close();
  }

  pending(): number {
    return pendingCount(this.state.db);
  }

  /** Ships everything pending now, round by round. */
  async shipAll(): Promise<ShipResult> {
    let rounds = 0;
    let buckets = 0;
    let rows = 0;
    let withdrawn = 0;
    for (;;) {
      const r = await this.round();
      if (r === null) break;
      rounds++;
      buckets += r.buckets;
      rows += r.rows;
      withdrawn += r.withdrawn;
      this.options.afterRound?.(r);
    }
    const acked = ackedSeq(this.state.db);
    await this.heartbeat(acked);
    return { rounds, buckets, rows, withdrawn, acked, pending: this.pending() };
  }

  /** One round: null when nothing is pending. */
  async round(): Promise<RoundResult | null> {
    const db = this.state.db;
    const snapshot = db.transaction(() => {
      const changes = pendingChanges(db, this.options.roundBuckets ?? ROUND_BUCKETS);
      return changes.map((c) => ({ c, b: this.reader.read(c.grain, c.bucket) }));
    });
    const read = snapshot.deferred();
    if (read.length === 0) return null;
    const host = this.options.host;
    const dims = this.state.config.dims;
    const groups: Row[] = [];
    const buckets: Row[] = [];
    for (const { c, b } of read) {
      if (b !== null) groups.push(...groupRows(host, c, b, dims));
      buckets.push({
        host,
        grain: c.grain,
        bucket: c.bucket,
        counted: b?.counted ?? 0,
        first_event: b?.first ?? 0,
        last_event: b?.last ?? 0,
        deleted: b === null ? 1 : 0,
        version: c.seq,
      });
    }
    const withdrawals = await this.withdrawals(
      read.map((x) => x.c),
      groups,
    );
    await this.ch.insert(`${this.db}.groups`, [...groups, ...withdrawals], INSERT_SETTINGS);
    await this.ch.insert(`${this.db}.buckets`, buckets, INSERT_SETTINGS);
    const top = read[read.length - 1].c.seq;
    acknowledge(db, top, Math.floor(Date.now() / 1000));
    return { buckets: read.length, rows: groups.length, withdrawn: withdrawals.length, acked: top };
  }

  /** Rows the store holds for these buckets whose key the state no longer has there: zeroed, deleted. */
  private async withdrawals(changes: readonly Change[], fresh: readonly Row[]): Promise<Row[]> {
    const h = sqlLabel(this.options.host, '--host');
    const have = new Set(fresh.map((r) => `${String(r.grain)}/${String(r.bucket)}/${keyOf(r)}`));
    const seqOf = new Map(changes.map((c) => [`${c.grain}/${c.bucket}`, c.seq]));
    const out: Row[] = [];
    // 18.16 has no tuple IN over a Distributed FINAL read in every form: one condition per grain.
    const byGrain = new Map<string, number[]>();
    for (const c of changes) {
      const list = byGrain.get(c.grain) ?? [];
      list.push(c.bucket);
      byGrain.set(c.grain, list);
    }
    for (const [grain, starts] of byGrain) {
      const rows = await this.ch.select<Record<string, string | number>>(
        `SELECT grain, bucket, ${KEY_COLUMNS.join(', ')} FROM ${this.db}.groups FINAL
         WHERE host = ${h} AND grain = ${sqlLabel(grain, 'grain')} AND bucket IN (${starts.map(sqlInt).join(', ')}) AND deleted = 0`,
      );
      for (const r of rows) {
        if (have.has(`${String(r.grain)}/${String(r.bucket)}/${keyOf(r)}`)) continue;
        const row: Row = { host: this.options.host, grain: String(r.grain), bucket: Number(r.bucket) };
        for (const k of KEY_COLUMNS) row[k] = String(r[k]);
        for (const n of COUNTER_NAMES) row[n] = 0;
        row.hist_bins = [];
        row.hist_counts = [];
        row.deleted = 1;
        row.version = seqOf.get(`${String(r.grain)}/${String(r.bucket)}`) ?? 0;
        out.push(row);
      }
    }
    return out;
  }

  /** The host's heartbeat: when it last shipped, what is acknowledged and pending, its latest event. */
  async heartbeat(acked: number): Promise<void> {
    const latest = (this.state.db.prepare('SELECT max(last_event) AS t FROM buckets').get() as { t: number | null }).t ?? 0;
    const now = Date.now();
    await this.ch.insert(
      `${this.db}.heartbeats`,
      [{ host: this.options.host, shipped_at: Math.floor(now / 1000), acked, latest_event: latest, pending: this.pending(), version: now }],
      INSERT_SETTINGS,
    );
  }
}
