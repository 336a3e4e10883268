/** `tail` in-process (the same TailSession the CLI runs), for tests that need many restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { EMPTY_CONFIG } from '../../src/config/config-file.js';
import { runStateReport } from '../../src/app/sources/state.js';
import type { StartFrom } from '../../src/source/follower.js';
import { TailSession } from '../../src/app/tail/tail-session.js';
import type { RetainSpec } from '../../src/state/tiers.js';
import type { Clock } from '../../src/util/clock.js';
import type { Expected } from './acct-writer.js';

/** Tests keep every bucket at the state's own grain unless they ask for tiers (`retain`). */
const KEEP_FINE: RetainSpec = { all: null, byGrain: new Map([['5m', 3650 * 86400]]) };

export async function openSession(
  live: string,
  state: string,
  opts: {
    from?: StartFrom;
    commitRows?: number;
    commitInterval?: number;
    rotateWait?: number;
    chunkSize?: number;
    rotatedDirs?: string[];
    follow?: boolean;
    clock?: Clock;
    notices?: string[];
    moreLive?: string[];
    retain?: RetainSpec;
    tz?: string;
  } = {},
): Promise<TailSession> {
  return TailSession.open(
    {
      stateDir: state,
      create: {
        dims: ['isp', 'ip', 'vmta', 'pool'],
        bucket: '5m',
        tz: opts.tz ?? 'UTC',
        live: resolve(live),
        since: null,
        ...(opts.moreLive ? { moreLive: opts.moreLive.map((l) => resolve(l)) } : {}),
      },
      explicit: new Set(),
      rotatedDirs: opts.rotatedDirs ?? [],
      from: opts.from ?? 'beginning',
      once: opts.follow !== true,
      retain: opts.retain ?? KEEP_FINE,
      commitInterval: opts.commitInterval ?? 1000,
      commitRows: opts.commitRows ?? 10000,
      rotateWait: opts.rotateWait ?? 0,
      scanInterval: 0,
      config: EMPTY_CONFIG,
      hardCategories: null,
      chunkSize: opts.chunkSize ?? 4096,
      clock: opts.clock,
    },
    { notice: (m) => opts.notices?.push(m), gap: (g) => opts.notices?.push(`gap: ${g.path}`), committed: () => undefined },
  );
}

/** Catch up and close, as `tail --once` does. */
export async function catchUp(live: string, state: string, opts: Parameters<typeof openSession>[2] = {}): Promise<void> {
  const s = await openSession(live, state, opts);
  try {
    await s.run(0);
  } finally {
    s.close();
  }
}

/** What the state counted, from the same report --state path the CLI uses. */
export function countedIn(state: string): Expected {
  const { model } = runStateReport(state, { by: ['isp'], alsoBy: [], bucket: null, since: null, until: null, tz: 'UTC', top: null });
  const byIsp: Record<string, number> = {};
  for (const g of model.groups) byIsp[g.key.isp] = g.counts.delivered + g.counts.deferred + g.counts.bounced + g.counts.complaints;
  const c = model.total.counts;
  return {
    rows: model.input.records,
    delivered: c.delivered,
    deferred: c.deferred,
    bounced: c.bounced,
    hardBounced: c.hardBounced,
    complaints: c.complaints,
    deliveredBytes: c.deliveredBytes,
    byIsp,
  };
}

/** A fresh temporary directory for each call, all removed after each test of the calling file. */
export function scratchDirs(prefix: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

/** Let a following session read everything there is (two polls: a scan, then the reading) and commit. */
export async function settle(s: TailSession): Promise<void> {
  await s.follower.poll();
  await s.follower.poll();
  s.commit();
}
