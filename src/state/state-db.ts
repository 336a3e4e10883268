/**
 * The state directory of `tail`: one SQLite database (WAL, synchronous=FULL) that holds the file
 * offsets and the rollup buckets, written together in one transaction per commit, so that a crash
 * replays exactly the uncommitted suffix. Owner-only permissions; one tail per state, enforced by
 * an exclusive SQLite lock on a second small database (the OS drops it when the process dies, even
 * by kill -9, so there is no stale lock to clean up).
 */
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { lazyRequire } from '../util/lazy-require.js';
import { PmtaAcctError, messageOf } from '../errors.js';
import { StateFaultError, faultText, stateFault } from './state-faults.js';
import { isBucketSize, type BucketSize } from '../rollup/buckets.js';
import { COUNTER_NAMES } from '../rollup/counters.js';
import { BINS } from '../rollup/latency.js';
import { addEncodedHists, decodeHistInto, encodeHist } from './hist-codec.js';
import { floorKey, tierChain, tiersOf, tiersWritten, type Tier } from './tiers.js';
import { TierSum } from './tier-sums.js';

/**
 * 2: tiers (groups_<grain> and buckets_<grain> tables for the coarser grains, config.tiers), each
 * bucket in one tier at a time. 3: every tier written at every commit, each from its floor (meta
 * `floor:<grain>`, state/layout.ts) on. An older state is read as it is, and migrated in place by
 * the first tail that opens it.
 */
export const SCHEMA_VERSION = 3;
/** The bucket column of records without a time column (no bucket starts at -1 s: starts are whole minutes). */
export const UNTIMED_BUCKET = -1;

/** What a state was created with; fixed for its life (the stored rollup has this shape). */
export interface StateConfig {
  /** Dimensions of the stored rollup's key. */
  readonly dims: readonly string[];
  /** Stored bucket size (the finest a report from this state can ask for). */
  readonly bucket: BucketSize;
  readonly tz: string;
  /** The live accounting file followed (absolute path). */
  readonly live: string;
  /** More live files followed into the same state (record types split over several <acct-file>s). */
  readonly moreLive?: readonly string[];
  /** `--from <time>`: events before this time are not counted (epoch seconds), or null. */
  readonly since: number | null;
  /**
   * `--rotated-dir` directories (absolute), remembered so that a restart without the option still
   * finds the files moved there (instead of reporting them lost). Absent in states made before.
   */
  readonly rotatedDirs?: readonly string[];
  /**
   * The grains of the state's tiers, finest (= bucket) first (state/tiers.ts). Absent in schema 1,
   * whose only tier is `bucket`; given when a new state is made, it is computed from bucket and tz.
   */
  readonly tiers?: readonly BucketSize[];
}

/** The tiers a state keeps. */
export function stateTiers(config: StateConfig): Tier[] {
  return tiersOf(config.tiers ?? [config.bucket], config.tz);
}

/** Store a changed config (only fields that do not change the stored rollup's shape may change). */
export function saveConfig(db: Db, config: StateConfig): void {
  db.prepare("UPDATE meta SET value = ? WHERE key = 'config'").run(JSON.stringify(config));
}

export type Db = Database.Database;

const sqlite = lazyRequire<typeof Database>('better-sqlite3');

/** `$XDG_STATE_HOME/pmta-acct`, or `~/.local/state/pmta-acct`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'pmta-acct');
}

export function dbPath(dir: string): string {
  return join(dir, 'state.db');
}

function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

function stateError(dir: string, what: string, err?: unknown): PmtaAcctError {
  return new PmtaAcctError('STATE', `state ${dir}: ${what}${err === undefined ? '' : ` (${messageOf(err)})`}`, { cause: err });
}

function keyColumns(dims: readonly string[]): string[] {
  return dims.map((d) => `"${d}_id"`);
}

/** One tier's two tables: its groups (one row per bucket and key) and its per-bucket counts. */
function tierTables(tier: Tier, dims: readonly string[]): string {
  const keys = keyColumns(dims);
  const counters = COUNTER_NAMES.map((n) => `"${n}" INTEGER NOT NULL DEFAULT 0`);
  return `
    CREATE TABLE ${tier.groups} (bucket INTEGER NOT NULL, ${keys.map((k) => `${k} INTEGER NOT NULL`).join(', ')}${keys.length > 0 ? ',' : ''}
      ${counters.join(', ')}, hist BLOB, PRIMARY KEY (bucket${keys.map((k) => `, ${k}`).join('')})) WITHOUT ROWID;
    CREATE TABLE ${tier.buckets} (bucket INTEGER PRIMARY KEY, counted INTEGER NOT NULL, first_event INTEGER, last_event INTEGER);`;
}

function createSchema(db: Db, config: StateConfig): void {
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE dim_values (dim INTEGER NOT NULL, id INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (dim, id), UNIQUE (dim, value));
    ${stateTiers(config)
      .map((t) => tierTables(t, config.dims))
      .join('\n')}
    CREATE TABLE totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE problems (seq INTEGER PRIMARY KEY, code TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL,
      byte INTEGER NOT NULL, message TEXT NOT NULL, excerpt TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE files (id INTEGER PRIMARY KEY, dev TEXT NOT NULL, ino TEXT NOT NULL, fp TEXT, path TEXT NOT NULL,
      gz INTEGER NOT NULL, state TEXT NOT NULL, "offset" INTEGER NOT NULL, line INTEGER NOT NULL, size INTEGER NOT NULL,
      header TEXT, header_offset INTEGER, tail_len INTEGER NOT NULL DEFAULT 0, tail_hash TEXT,
      first_seen INTEGER NOT NULL, last_change INTEGER NOT NULL, gone_at INTEGER);
    CREATE INDEX files_fp ON files (fp);
    CREATE TABLE gaps (id INTEGER PRIMARY KEY, path TEXT NOT NULL, dev TEXT NOT NULL, ino TEXT NOT NULL, "offset" INTEGER NOT NULL,
      size INTEGER NOT NULL, missing INTEGER NOT NULL, reason TEXT NOT NULL, detected_at INTEGER NOT NULL);
  `);
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  put.run('schema', String(SCHEMA_VERSION));
  put.run('config', JSON.stringify(config));
  put.run('created', String(Math.floor(Date.now() / 1000)));
  put.run('seq', '0');
}

function readConfig(db: Db, dir: string): { config: StateConfig; schema: number } {
  const row = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value;
  const text = row('schema');
  if (text === undefined) throw stateError(dir, 'not a pmta-acct state database (no schema version)');
  const schema = Number(text);
  if (schema > SCHEMA_VERSION)
    throw stateError(
      dir,
      `schema version ${text}, made by a newer pmta-acct; this one reads versions 1 to ${SCHEMA_VERSION} (upgrade pmta-acct)`,
    );
  if (schema < 1 || !Number.isInteger(schema)) throw stateError(dir, `schema version ${text} is not one this pmta-acct knows`);
  const stored = row('config');
  if (stored === undefined) throw stateError(dir, 'the state has no config');
  let c: StateConfig;
  try {
    c = JSON.parse(stored) as StateConfig;
  } catch {
    throw stateError(dir, 'the stored config is not JSON: the state is damaged');
  }
  const bad = () => stateError(dir, 'the stored config does not validate');
  if (!Array.isArray(c.dims) || !isBucketSize(c.bucket) || typeof c.live !== 'string') throw bad();
  if (c.moreLive !== undefined && (!Array.isArray(c.moreLive) || c.moreLive.some((l) => typeof l !== 'string'))) throw bad();
  if (schema === 1) return { config: { ...c, tiers: undefined }, schema };
  const tiers: unknown = c.tiers;
  if (!Array.isArray(tiers) || tiers[0] !== c.bucket || !tiers.every((g) => typeof g === 'string' && isBucketSize(g))) throw bad();
  return { config: c, schema };
}

/**
 * Schema 1 or 2 → 3, in one transaction. From 1: the coarser tiers' tables and their grains in the
 * config. Then the tiers written at every commit are made whole from their floors on, as a schema-3
 * tail keeps them: a tier's floor is where the coarser tiers' rows end (before that, some of its
 * records were moved on or written there directly); each such tier's rows are added into the next
 * written one (counters add, histograms merge; it held none of them), and its rows below its floor,
 * no longer whole, are dropped; the last written tier's rows below its floor are moved into the day
 * tier, as aging would have. The old tail's watermarks (meta `aged:<grain>`) go.
 */
function migrate(db: Db, config: StateConfig, from: number, now: number): StateConfig {
  const next: StateConfig = from === 1 ? { ...config, tiers: tierChain(config.bucket, config.tz, now) } : config;
  db.transaction(() => {
    const tiers = stateTiers(next);
    if (from === 1) {
      for (const tier of tiers.slice(1)) db.exec(tierTables(tier, next.dims));
      db.exec('CREATE INDEX files_fp ON files (fp)');
      saveConfig(db, next);
    }
    const last = tiers.map(
      (t) => (db.prepare(`SELECT max(bucket) AS b FROM ${t.buckets} WHERE bucket <> ?`).get(UNTIMED_BUCKET) as { b: number | null }).b,
    );
    const floors = tiers.map((_, i) => {
      let f = Number.NEGATIVE_INFINITY;
      for (let j = i + 1; j < tiers.length; j++) {
        const b = last[j];
        if (b !== null) f = Math.max(f, tiers[j].bucketing.next(b));
      }
      return f;
    });
    const keys = keyColumns(next.dims);
    const written = tiersWritten(tiers);
    for (let i = 0; i + 1 < tiers.length; i++) {
      const sum = new TierSum(db, keys, tiers[i], tiers[i + 1], UNTIMED_BUCKET);
      if (i + 1 < written) sum.add(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      else if (i + 1 === written) sum.add(Number.NEGATIVE_INFINITY, floors[i]);
    }
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    tiers.forEach((t, i) => {
      const f = floors[i];
      if (!Number.isFinite(f) || i >= written) return;
      db.prepare(`DELETE FROM ${t.groups} WHERE bucket < ? AND bucket <> ?`).run(f, UNTIMED_BUCKET);
      db.prepare(`DELETE FROM ${t.buckets} WHERE bucket < ? AND bucket <> ?`).run(f, UNTIMED_BUCKET);
      put.run(floorKey(t), String(f));
    });
    db.prepare("DELETE FROM meta WHERE key LIKE 'aged:%'").run();
    put.run('schema', String(SCHEMA_VERSION));
    put.run('migrated', JSON.stringify({ from, at: now }));
  })();
  return next;
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // SQLite's own default page cache (better-sqlite3 makes it 16 MB): tail writes the newest buckets,
  // and the OS caches the file; 16 MB was most of what tail's memory grew by as its state did.
  db.pragma('cache_size = -2000');
  db.function('hist_add', { deterministic: true }, (a: unknown, b: unknown) =>
    addEncodedHists(a instanceof Uint8Array ? a : null, b instanceof Uint8Array ? b : null),
  );
  // The sum of a column of encoded histograms (a tier's buckets rolled into the next one).
  db.aggregate<unknown>('hist_merge', {
    start: () => null,
    step: (acc, blob) => {
      if (!(blob instanceof Uint8Array) || blob.length === 0) return acc;
      const bins = acc instanceof Uint32Array ? acc : new Uint32Array(BINS);
      decodeHistInto(blob, bins, 0);
      return bins;
    },
    result: (acc) => (acc instanceof Uint32Array ? encodeHist(acc, 0) : null),
  });
}

export interface OpenedState {
  readonly dir: string;
  readonly db: Db;
  readonly config: StateConfig;
  /** True when this call created the state. */
  readonly created: boolean;
  /**
   * True when state.db is no longer the file this process opened (the directory was removed or
   * the file replaced): in WAL mode SQLite goes on writing into the unlinked file without a word.
   */
  moved?(): boolean;
  close(): void;
}

/** Whether `path` is still the file that had `id` (dev, ino) when it was opened. */
function movedCheck(path: string): () => boolean {
  const id = statSync(path, { bigint: true });
  return () => {
    try {
      const now = statSync(path, { bigint: true });
      return now.ino !== id.ino || now.dev !== id.dev;
    } catch {
      return true;
    }
  };
}

/**
 * Take the single-instance lock of a state directory: an exclusive transaction on `lock.db`,
 * held until the process closes it or dies.
 */
function takeLock(dir: string): Db {
  const path = join(dir, 'lock.db');
  let lock: Db;
  try {
    ensurePrivateFile(path);
    lock = new (sqlite())(path, { timeout: 0 });
  } catch (err) {
    throw stateFault(dir, 'taking the lock', err);
  }
  try {
    // An empty database would be written at BEGIN (its first page): a lock taken on a full disk
    // must not need a byte, so the file gets its page once, when it is made.
    if (lock.pragma('user_version', { simple: true }) === 0) lock.pragma('user_version = 1');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    const code = (err as { code?: unknown }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') throw stateFault(dir, 'taking the lock', err);
    let who = '';
    try {
      const info = JSON.parse(readFileSync(join(dir, 'tail.pid'), 'utf8')) as { pid: number; host: string; started: string };
      who = ` (pid ${info.pid} on ${info.host}, started ${info.started})`;
    } catch {
      // no pid file: the message says less
    }
    throw stateError(dir, `another pmta-acct tail is using this state${who}; stop it, or give this one its own --state DIR`, err);
  }
  try {
    const pidFile = join(dir, 'tail.pid');
    ensurePrivateFile(pidFile);
    writeFileSync(pidFile, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
  } catch (err) {
    lock.close();
    throw stateFault(dir, 'writing tail.pid', err);
  }
  return lock;
}

/**
 * Refuse a damaged state before writing into it. `PRAGMA quick_check` reads every page of the
 * database once (it checks the b-trees, not that indexes match their tables): its cost grows with
 * the state, 0.23-0.35 s for 46 MB (the size of a 35-day state of a 1 M-records-a-day server; see
 * docs/architecture.md), paid once per start of tail, which then runs for days. A damage it misses
 * (or that happens later) still surfaces as SQLITE_CORRUPT at the first commit that touches it,
 * and tail stops there too.
 */
export function checkIntegrity(db: Db, dir: string): void {
  const rows = db.prepare('PRAGMA quick_check(3)').all() as { quick_check: string }[];
  const found = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (found.length === 0) return;
  const what = found
    .join('; ')
    .replace(/\*\*\* in database \w+ \*\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  throw new StateFaultError('damaged', faultText('damaged', dir, 'checking the state database', what.slice(0, 200)), null);
}

/**
 * Open (or create, with `create`) the state for `tail`: locked, writable. `accept` sees an existing
 * state's stored config before anything is written to it (an old schema is migrated only after
 * it), and throws to refuse the state.
 */
export function openStateForTail(
  dirArg: string,
  create: StateConfig | null,
  accept: (stored: StateConfig) => void = () => undefined,
): OpenedState {
  const dir = resolve(dirArg);
  try {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    } else if (!statSync(dir).isDirectory()) {
      throw stateError(dir, 'exists and is not a directory');
    }
  } catch (err) {
    if (err instanceof PmtaAcctError) throw err;
    throw stateFault(dir, 'creating the state directory', err);
  }
  const lock = takeLock(dir);
  const path = dbPath(dir);
  const exists = existsSync(path) && statSync(path).size > 0;
  let db: Db;
  try {
    ensurePrivateFile(path);
    db = new (sqlite())(path);
    configure(db);
  } catch (err) {
    lock.close();
    throw stateFault(dir, 'opening the state database', err);
  }
  try {
    let created = false;
    let config: StateConfig;
    const now = Math.floor(Date.now() / 1000);
    if (!exists) {
      if (create === null) throw stateError(dir, 'no state here yet');
      config = { ...create, tiers: create.tiers ?? tierChain(create.bucket, create.tz, now) };
      const made = config;
      db.transaction(() => createSchema(db, made))();
      created = true;
    } else {
      checkIntegrity(db, dir);
      const read = readConfig(db, dir);
      accept(read.config);
      config = read.schema < SCHEMA_VERSION ? migrate(db, read.config, read.schema, now) : read.config;
    }
    return {
      dir,
      db,
      config,
      created,
      moved: movedCheck(path),
      close() {
        db.close();
        lock.close();
      },
    };
  } catch (err) {
    db.close();
    lock.close();
    throw stateFault(dir, 'opening the state database', err);
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A fault met reading a state; SQLite's "unable to open" in a directory that cannot be written said plainly. */
function readFault(dir: string, doing: string, err: unknown): unknown {
  if (err instanceof PmtaAcctError || writable(dir)) return stateFault(dir, doing, err);
  // A WAL database is read through its shared-memory file (state.db-shm), made beside it on open.
  return stateError(
    dir,
    'the directory cannot be written, and SQLite needs to create state.db-shm there to read state.db; make it writable, or copy the directory somewhere writable and read the copy',
    err,
  );
}

/**
 * Open a state for reading (report --state), while a tail may be writing it. `writable`: for
 * `ship`, which keeps its change log and ledger in the state (state/ship-log.ts) in short write
 * transactions between tail's commits, without tail's lock.
 */
export function openStateForReading(dirArg: string, options: { writable?: boolean } = {}): OpenedState {
  const dir = resolve(dirArg);
  const path = dbPath(dir);
  if (!existsSync(path))
    throw new PmtaAcctError(
      'INPUT_NOT_FOUND',
      `state ${dir}: no state database here (state.db); run pmta-acct tail --state ${dirArg} first`,
    );
  let db: Db;
  try {
    db = new (sqlite())(path, { readonly: options.writable !== true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    if (options.writable === true) db.pragma('synchronous = FULL');
  } catch (err) {
    throw readFault(dir, 'opening the state database', err);
  }
  try {
    // A schema-1 state (its tail not restarted yet with this version) reads as its one tier.
    const { config } = readConfig(db, dir);
    return { dir, db, config, created: false, close: () => db.close() };
  } catch (err) {
    db.close();
    throw readFault(dir, 'reading the state database', err);
  }
}

export function stateKeyColumns(config: StateConfig): string[] {
  return keyColumns(config.dims);
}
