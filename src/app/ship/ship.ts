/**
 * `pmta-acct ship`: the buckets a tail state committed, sent to the fleet store exactly once in
 * effect. Each round takes a fresh version (state/ship-log.ts allocateVersion) and reads, in the
 * same transaction of the state, the oldest changed buckets after the ledger and what each tier
 * holds for them now; it sends each bucket's groups as absolute values at that version, with the
 * keys the store still has for the bucket that the state no longer holds there (aging moved them
 * to a coarser tier) as deleted = 1 rows, a bucket's rows always in one insert block; then the
 * same buckets summed by ISP at the same version into `isp_groups` (isp-rows.ts; what the verdicts
 * and incidents read), then the per-bucket counts, and only after ClickHouse answered it advances the ledger. Whatever is cut
 * short (kill -9, a lost reply, a server restarted mid-insert) is sent again at a higher version:
 * a bucket's rows at its highest stored version are one complete copy, its latest
 * (fleet-read.ts reads those), and ReplacingMergeTree(version) read with FINAL agrees.
 */
import { hostname } from 'node:os';
import type { ClickHouse } from '../../clickhouse/connection.js';
import { KEY_COLUMNS } from '../../clickhouse/schema.js';
import { sqlInt, sqlLabel } from '../../clickhouse/sql.js';
import { COUNTER_NAMES } from '../../rollup/counters.js';
import {
  acknowledge,
  ackedSeq,
  allocateVersion,
  BucketReader,
  installShipLog,
  pendingChanges,
  pendingCount,
  raiseSeqFloor,
  reseedShipLog,
  type Change,
  type StoredBucket,
} from '../../state/ship-log.js';
import { openStateForReading, type OpenedState } from '../../state/state-db.js';
import { requireStore } from '../../clickhouse/store-schema.js';
import { ISP_COUNTERS, ISP_GROUPS_SCHEMA } from '../../clickhouse/schema.js';
import { ispRows, type Row } from './isp-rows.js';

/** Buckets per round: one insert per table per round. */
export const ROUND_BUCKETS = 500;
/** Rows per groups insert: under ClickHouse's default max_insert_block_size (1,048,576), one block each. */
const MAX_BLOCK_ROWS = 500_000;
/**
 * Every insert waits for the shard (Distributed tables are asynchronous by default, and their own
 * background re-sends could store a block twice).
 */
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

function groupRows(host: string, c: Change, b: StoredBucket, dims: readonly string[], version: number): Row[] {
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
    row.version = version;
    return row;
  });
}

/**
 * The round's group rows cut into inserts at bucket boundaries, each at most MAX_BLOCK_ROWS rows
 * (a bucket larger than that alone): ClickHouse writes an insert block atomically, so a bucket's
 * rows of one version are all stored or none, and max_insert_block_size is set to hold the insert.
 */
function* insertBlocks(perBucket: Iterable<Row[]>): Generator<Row[]> {
  let block: Row[] = [];
  for (const rows of perBucket) {
    if (block.length > 0 && block.length + rows.length > MAX_BLOCK_ROWS) {
      yield block;
      block = [];
    }
    for (const r of rows) block.push(r);
  }
  if (block.length > 0) yield block;
}

export class Shipper {
  private readonly state: OpenedState;
  private readonly reader: BucketReader;
  private readonly db: string;
  /** Buckets logged again at open because the store did not know this host (null: it did). */
  resent: number | null = null;

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
    await requireStore(ch, ISP_GROUPS_SCHEMA);
    const state = openStateForReading(options.stateDir, { writable: true });
    try {
      installShipLog(state.db, state.config);
      const s = new Shipper(ch, options, state);
      // A ledger the store holds nothing of (no bucket of this host: another or a rebuilt store, or
      // the host renamed) acknowledges nothing there: everything the state holds goes again.
      const stored = await s.storedVersion();
      if (ackedSeq(state.db) > 0 && stored === 0) s.resent = reseedShipLog(state.db, state.config);
      if (ackedSeq(state.db) === 0) raiseSeqFloor(state.db, stored);
      return s;
    } catch (err) {
      state.close();
      throw err;
    }
  }

  /** The highest version the store holds for this host (an earlier state of the same host); 0: none. */
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
    // The attempt's version is taken in the transaction that reads what it sends (a write lock
    // for the read, held for no ClickHouse call): versions follow the snapshots' order.
    const snapshot = db.transaction(() => {
      const changes = pendingChanges(db, this.options.roundBuckets ?? ROUND_BUCKETS);
      if (changes.length === 0) return null;
      const version = allocateVersion(db);
      return { version, read: changes.map((c) => ({ c, b: this.reader.read(c.grain, c.bucket) })) };
    });
    const taken = snapshot.immediate();
    if (taken === null) return null;
    const { version, read } = taken;
    const host = this.options.host;
    const dims = this.state.config.dims;
    const perBucket = new Map<string, Row[]>();
    const buckets: Row[] = [];
    let rows = 0;
    for (const { c, b } of read) {
      const fresh = b === null ? [] : groupRows(host, c, b, dims, version);
      rows += fresh.length;
      perBucket.set(`${c.grain}/${c.bucket}`, fresh);
      buckets.push({
        host,
        grain: c.grain,
        bucket: c.bucket,
        counted: b?.counted ?? 0,
        first_event: b?.first ?? 0,
        last_event: b?.last ?? 0,
        deleted: b === null ? 1 : 0,
        version,
      });
    }
    const withdrawn = await this.withdrawals(
      read.map((x) => x.c),
      perBucket,
      version,
    );
    for (const block of insertBlocks(perBucket.values())) await this.insertBlock('groups', block);
    // The same buckets by ISP at the same version, after the groups: killed between the two, a
    // bucket's newest ISP rows are still its previous complete copy, and the round goes again.
    const ispPerBucket = new Map([...perBucket].map(([at, rows]) => [at, ispRows(rows)]));
    await this.ispWithdrawals(
      read.map((x) => x.c),
      ispPerBucket,
      version,
    );
    for (const block of insertBlocks(ispPerBucket.values())) await this.insertBlock('isp_groups', block);
    await this.ch.insert(`${this.db}.buckets`, buckets, INSERT_SETTINGS);
    const top = read[read.length - 1].c.seq;
    acknowledge(db, top, Math.floor(Date.now() / 1000));
    return { buckets: read.length, rows, withdrawn, acked: top };
  }

  /** One insert of whole buckets' rows, one block (max_insert_block_size set to hold it). */
  private async insertBlock(table: string, block: readonly Row[]): Promise<void> {
    await this.ch.insert(`${this.db}.${table}`, block, {
      ...INSERT_SETTINGS,
      max_insert_block_size: String(Math.max(2 * MAX_BLOCK_ROWS, block.length)),
    });
  }

  /**
   * The keys the store holds for these buckets that the state no longer has there, added to each
   * bucket's rows as zeroed `deleted = 1` rows of the attempt's version (returns how many): a
   * bucket the state emptied still has rows at its newest version, and FINAL reads stay exact.
   */
  private async withdrawals(changes: readonly Change[], perBucket: Map<string, Row[]>, version: number): Promise<number> {
    return this.withdraw('groups', KEY_COLUMNS, changes, perBucket, (row) => {
      for (const c of COUNTER_NAMES) row[c] = 0;
      row.hist_bins = [];
      row.hist_counts = [];
      row.deleted = 1;
      row.version = version;
    });
  }

  /**
   * The same for `isp_groups`, from what it holds itself: its newest copy of a bucket can be older
   * than `groups`' (a round killed between the two inserts), whose withdrawals that round took.
   */
  private async ispWithdrawals(changes: readonly Change[], perBucket: Map<string, Row[]>, version: number): Promise<void> {
    await this.withdraw('isp_groups', ['isp'], changes, perBucket, (row) => {
      for (const c of ISP_COUNTERS) row[c] = 0;
      row.deleted = 1;
      row.version = version;
    });
  }

  /** The live keys (`cols`) `table` holds for these buckets and `perBucket` lacks, added to it by `fill`. */
  private async withdraw(
    table: string,
    cols: readonly string[],
    changes: readonly Change[],
    perBucket: Map<string, Row[]>,
    fill: (row: Row) => void,
  ): Promise<number> {
    const h = sqlLabel(this.options.host, '--host');
    const keyOf = (row: Readonly<Record<string, unknown>>) => cols.map((k) => String(row[k])).join('\u0000');
    const have = new Set<string>();
    for (const rows of perBucket.values()) for (const r of rows) have.add(`${String(r.grain)}/${String(r.bucket)}/${keyOf(r)}`);
    let n = 0;
    // 18.16 has no tuple IN over a Distributed FINAL read in every form: one condition per grain.
    const byGrain = new Map<string, number[]>();
    for (const c of changes) {
      const list = byGrain.get(c.grain) ?? [];
      list.push(c.bucket);
      byGrain.set(c.grain, list);
    }
    for (const [grain, starts] of byGrain) {
      const rows = await this.ch.select<Record<string, string | number>>(
        `SELECT grain, bucket, ${cols.join(', ')} FROM ${this.db}.${table} FINAL
         WHERE host = ${h} AND grain = ${sqlLabel(grain, 'grain')} AND bucket IN (${starts.map(sqlInt).join(', ')}) AND deleted = 0`,
      );
      for (const r of rows) {
        const at = `${String(r.grain)}/${String(r.bucket)}`;
        if (have.has(`${at}/${keyOf(r)}`)) continue;
        const row: Row = { host: this.options.host, grain: String(r.grain), bucket: Number(r.bucket) };
        for (const k of cols) row[k] = String(r[k]);
        fill(row);
        perBucket.get(at)?.push(row);
        n++;
      }
    }
    return n;
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
