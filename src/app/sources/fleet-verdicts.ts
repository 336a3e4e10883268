/**
 * Verdicts over the fleet store: the same rules and evaluation as over files or a state, judged
 * fleet-wide (every host's buckets together) and per host (each host's own buckets; only a per-host
 * verdict that is not OK is listed, named by its host, so twenty quiet hosts do not bury the
 * fleet's lines), plus one dead-man verdict per host from the heartbeat rows: a host that has not
 * shipped for `--host-silence` is CRIT, whatever its last figures said.
 *
 * Windows read the finest grain the store holds in them, by the dimensions the rules scope. The
 * verdicts' windows (one end) are summed in ClickHouse by host and band between the rules' window
 * starts; the incidents' windows (every end of the period) read the bucket series fleet-wide.
 */
import type { ClickHouse } from '../../clickhouse/connection.js';
import { sqlLabels } from '../../clickhouse/sql.js';
import { bucketSeconds, isBucketSize } from '../../rollup/buckets.js';
import { JUDGED_COUNTERS } from '../../rollup/counters.js';
import { regroup } from '../../rollup/regroup.js';
import { Rollup } from '../../rollup/rollup.js';
import { worstLevel } from '../../verdict/evaluate.js';
import { findIncidents, INCIDENT_REACH, type IncidentSummary } from '../../verdict/incidents.js';
import { judge, type VerdictPlan, type VerdictSummary } from '../../verdict/plan.js';
import { severity, type Verdict } from '../../verdict/types.js';
import { activeRules, floorTo, windowStarts } from '../../verdict/window.js';
import { isoTime } from '../../render/format.js';
import { fleetGrains, readFleetRollup, type FleetStore } from './fleet-read.js';
import { SUB_HOUR } from './fleet-tiers.js';

/** The name of the per-host dead-man verdict. */
export const HOST_SILENCE_RULE = 'host-silence';

interface Windows {
  /** By host and the plan's dimensions, per band of `size`-second buckets (or per bucket). */
  readonly rollup: Rollup;
  readonly size: number;
}

/** The finest grain stored where windows ending in [first, last] reach, with its bucket seconds. */
async function finestGrain(
  store: FleetStore,
  hosts: readonly string[] | null,
  plan: VerdictPlan,
  first: number,
  last: number,
): Promise<{ grain: string; size: number } | null> {
  const probe = { hosts, since: floorTo(first - plan.horizon, 60), until: last + 86400 };
  const grain = (await fleetGrains(store, probe))[0];
  if (grain === undefined || !isBucketSize(grain)) return null;
  return { grain, size: bucketSeconds(grain) };
}

/**
 * The windows ending at `end`, by host and the plan's dimensions: the finest grain's buckets
 * summed in ClickHouse per band between the rules' window starts (verdict/window.ts
 * windowStarts), so each key is a handful of groups, not a day of 5-minute buckets.
 */
async function judgedWindows(store: FleetStore, hosts: readonly string[] | null, plan: VerdictPlan, end: number): Promise<Windows | null> {
  const finest = await finestGrain(store, hosts, plan, end, end);
  if (finest === null) return quietWindows(store, hosts, plan, end);
  const { grain, size } = finest;
  const bands = windowStarts(activeRules(plan.rules, plan.limits !== null), end, size);
  if (bands.length === 0) return null;
  const dims = ['host', ...plan.dims];
  if (!SUB_HOUR.includes(grain)) {
    const rollup = await readFleetRollup(
      store,
      { hosts, since: bands[0], until: end, grain },
      { dims, bucketOf: null, hist: false, bands, counters: JUDGED_COUNTERS },
    );
    return { rollup, size };
  }
  // Each band on its own, its whole hours from the hosts' 1h rows and the partial hours at its
  // edges from the sub-hour rows (fleet-tiers.ts, as the model reads hours): an hour's row holds
  // the same records as its 5-minute rows, and a day's band is 23 whole hours, 7x fewer rows.
  const parts = await Promise.all(
    bands.map((b, i) =>
      readFleetRollup(
        store,
        { hosts, since: b, until: bands[i + 1] ?? end, tiers: { prefer: 'hours' } },
        { dims, bucketOf: null, hist: false, bands: [b], counters: JUDGED_COUNTERS },
      ),
    ),
  );
  const rollup = parts[0];
  for (const p of parts.slice(1)) rollup.merge(p);
  return { rollup, size };
}

/**
 * Each host's part of the windows, keyed by the plan's dimensions alone: one pass over the groups
 * (a scan per host cost hosts x groups, most of check's own time over a hundred hosts).
 */
function hostParts(w: Windows, dims: readonly string[]): Map<string, Rollup> {
  const r = w.rollup;
  const parts = new Map<string, Rollup>();
  const from = dims.map((d) => r.dims.indexOf(d));
  for (let g = 0; g < r.size; g++) {
    const host = r.valueOf(g, 0);
    let out = parts.get(host);
    if (out === undefined) {
      out = new Rollup(dims);
      parts.set(host, out);
    }
    out.key[0] = out.bucketId(r.bucketOf(g));
    for (let i = 0; i < from.length; i++) out.key[1 + i] = out.dicts[i].id(r.valueOf(g, from[i]));
    out.addGroup(out.group(), r, g);
  }
  return parts;
}

export interface HostBeat {
  readonly host: string;
  readonly shippedAt: number;
}

/**
 * Each host's latest heartbeat: argMax by version, not FINAL (a row per ship; 18.16 fails a
 * Distributed `FINAL ... ORDER BY` whose columns leave out the version, "Cannot find column version
 * in source stream", whenever a shard has more than one part of the table).
 */
export async function heartbeats(ch: ClickHouse, hosts: readonly string[] | null): Promise<HostBeat[]> {
  const where = hosts === null ? '' : ` WHERE host IN (${sqlLabels(hosts, '--hosts')})`;
  const rows = await ch.select<{ host: string; shipped_at: number }>(
    `SELECT host, argMax(shipped_at, version) AS shipped_at FROM ${ch.target.database}.heartbeats${where} GROUP BY host ORDER BY host`,
  );
  return rows.map((r) => ({ host: r.host, shippedAt: r.shipped_at }));
}

/** An age for humans: 45s, 17m, 5h, 3d. */
function ageText(s: number): string {
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** The dead-man verdict of each host (and of each `--hosts` name never seen). */
export function silenceVerdicts(
  beats: readonly HostBeat[],
  hosts: readonly string[] | null,
  now: number,
  after: number,
  tz: string,
): Verdict[] {
  const seen = new Map(beats.map((b) => [b.host, b.shippedAt]));
  const names = [...new Set([...(hosts ?? []), ...seen.keys()])].sort();
  return names.map((host) => {
    const at = seen.get(host);
    const age = at === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - at);
    const level = age > after ? 'CRIT' : 'OK';
    const message =
      at === undefined
        ? `${host} has never shipped to the fleet store`
        : `${host} last shipped ${ageText(age)} ago (${isoTime(at, tz)})${level === 'CRIT' ? ` > ${ageText(after)}` : ''}`;
    return {
      level,
      rule: HOST_SILENCE_RULE,
      metric: 'silence',
      scope: { host },
      value: Number.isFinite(age) ? age : -1,
      threshold: after,
      warn: null,
      crit: after,
      count: 0,
      volume: 0,
      limit: null,
      window: { start: at ?? 0, end: now, seconds: after },
      message,
    } satisfies Verdict;
  });
}

export interface FleetJudgement {
  readonly summary: VerdictSummary;
  /** The windows read, for incidents (null: nothing stored in them). */
  readonly windows: Windows | null;
}

/**
 * The windows ending at `end` when no bucket is stored where they reach: empty, so that the rules
 * are judged as over a state whose mail stopped (a silence rule is CRIT: no records at all), when
 * these hosts shipped buckets before; null (nothing to judge) when they never shipped any.
 */
async function quietWindows(store: FleetStore, hosts: readonly string[] | null, plan: VerdictPlan, end: number): Promise<Windows | null> {
  const grain = (await fleetGrains(store, { hosts, since: null, until: end }))[0];
  if (grain === undefined || !isBucketSize(grain)) return null;
  return { rollup: new Rollup(['host', ...plan.dims]), size: bucketSeconds(grain) };
}

/** Fleet-wide and per-host verdicts of `plan` ending at `--at` or now, and each host's dead-man verdict. */
export async function judgeFleet(
  store: FleetStore,
  plan: VerdictPlan,
  hosts: readonly string[] | null,
  now: number,
  silenceAfter: number,
  tz: string,
): Promise<FleetJudgement> {
  const end = plan.at ?? now;
  const [windows, beats] = await Promise.all([judgedWindows(store, hosts, plan, end), heartbeats(store.ch, hosts)]);
  const verdicts: Verdict[] = [];
  const base = judge(plan, windows === null ? null : regroup(windows.rollup, plan.dims, (s) => s), windows?.size ?? 60, end);
  verdicts.push(...base.verdicts);
  // With one host the fleet's verdicts are that host's: not listed twice.
  if (windows !== null && windows.rollup.dicts[0].size > 1) {
    // by host name: the groups' order is the server's (and the bands' reads'), not an order to show
    for (const [host, part] of [...hostParts(windows, plan.dims)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const own = judge(plan, part, windows.size, end);
      for (const v of own.verdicts) {
        if (v.level === 'OK' || v.level === 'INFO') continue;
        verdicts.push({ ...v, scope: { host, ...v.scope }, message: `${host}: ${v.message}` });
      }
    }
  }
  // Worst first, as evaluate orders them (renderers lead with the first); a dead host before the rest.
  const all = [...silenceVerdicts(beats, hosts, now, silenceAfter, tz), ...verdicts];
  const rank = (v: Verdict) => severity(v.level) * 2 + (v.level === 'INFO' ? 1 : 0);
  all.sort((a, b) => rank(b) - rank(a));
  return { summary: { ...base, end, status: worstLevel(all), verdicts: all }, windows };
}

/** Fleet-wide incidents over [from, to): windows of the finest grain stored, as over a state. */
export async function fleetIncidents(
  store: FleetStore,
  plan: VerdictPlan,
  hosts: readonly string[] | null,
  from: number | null,
  to: number | null,
): Promise<IncidentSummary | null> {
  if (from === null || to === null || !(to > from)) return null;
  const first = Math.max(from, to - INCIDENT_REACH);
  const finest = await finestGrain(store, hosts, plan, first, to);
  if (finest === null) return null;
  const { grain, size } = finest;
  // Every window of the period slides over a bucket series, fleet-wide: by the rules' dimensions
  // only (no host), which is what the incidents are judged on.
  const rollup = await readFleetRollup(
    store,
    { hosts, since: floorTo(first - plan.horizon, size), until: to + size, grain },
    { dims: plan.dims, bucketOf: (start) => start, hist: false, counters: JUDGED_COUNTERS },
  );
  return findIncidents({
    rollup,
    bucketSeconds: size,
    rules: plan.rules,
    limits: plan.limits,
    from,
    to,
    step: Math.max(size, bucketSeconds(plan.bucket)),
  });
}
