/**
 * `report --clickhouse URL` and `check --clickhouse URL`: the third rollup source, the fleet store
 * every host's `ship` fills. The same question, model, verdicts and renderers as over files or a
 * state, with `host` as a dimension (`--by host,isp`), `--hosts a,b` to narrow the fleet, and per
 * host dead-man verdicts from the heartbeat rows (fleet-verdicts.ts). ClickHouse sums; the model is
 * built from its groups (fleet-read.ts).
 *
 * What a store does not hold, the model leaves at zero: the hosts' bad records, warnings, problems,
 * files and bytes stay on each host (`report --state` there shows them); `records` is the records
 * counted in buckets.
 */
import type { ClickHouse } from '../../clickhouse/connection.js';
import { PmtaAcctError } from '../../errors.js';
import type { HistorySource } from '../../history/history.js';
import { buildModel, storedInput, type ModelInput } from '../../model/model.js';
import { isoTime } from '../../render/format.js';
import { bucketSeconds, isBucketSize, makeBucketing } from '../../rollup/buckets.js';
import { regroup } from '../../rollup/regroup.js';
import { Rollup } from '../../rollup/rollup.js';
import type { VerdictPlan } from '../../verdict/plan.js';
import { floorTo } from '../../verdict/window.js';
import { fleetEdge, FLEET_DIMS, openFleetStore, readFleetRollup, readFleetStats, type FleetFilter, type FleetStore } from './fleet-read.js';
import type { TierRule } from './fleet-tiers.js';
import { fleetIncidents, judgeFleet } from './fleet-verdicts.js';
import type { CheckAnswer, ReportShape, RollupQuestion, RollupSource, SourceReport } from './rollup-source.js';

export interface FleetOptions {
  /** The question's dimensions as asked, `host` allowed (the question's `by` has no host). */
  readonly by: readonly string[];
  /** `--hosts`: these hosts only; null: the whole fleet. */
  readonly hosts: readonly string[] | null;
  /** The CLI's clock (epoch seconds): verdict windows end here unless `--at`. */
  readonly now: number;
  /** `--host-silence`: seconds without a ship after which a host is CRIT. */
  readonly silenceAfter: number;
}

function inputOf(rollup: Rollup, counted: number, first: number | null, last: number | null, outside: number): ModelInput {
  return storedInput(rollup, {
    records: counted,
    counted,
    filtered: outside,
    untimed: 0,
    unknownTypes: {},
    firstEvent: first,
    lastEvent: last,
  });
}

export class ClickHouseSource implements RollupSource {
  private opened: Promise<FleetStore> | null = null;

  constructor(
    private readonly ch: ClickHouse,
    private readonly opts: FleetOptions,
  ) {}

  private store(): Promise<FleetStore> {
    this.opened ??= openFleetStore(this.ch);
    return this.opened;
  }

  async report(q: RollupQuestion, _shape: ReportShape): Promise<SourceReport> {
    const store = await this.store();
    const by = this.opts.by;
    const dims = [...by];
    for (const d of q.alsoBy) if (!dims.includes(d) && FLEET_DIMS.includes(d)) dims.push(d);
    const hosts = this.opts.hosts;
    const notes: string[] = [];
    const edge = async (t: number | null, name: string): Promise<number | null> => {
      if (t === null) return null;
      const s = await fleetEdge(store, hosts, t);
      if (s !== t)
        notes.push(
          `${name} ${isoTime(t, q.tz)} is inside a stored bucket: reporting ${name === '--since' ? 'from' : 'until'} ${isoTime(s, q.tz)}, the bucket's start`,
        );
      return s;
    };
    const since = await edge(q.since, '--since');
    const until = await edge(q.until, '--until');
    let bucketOf: ((start: number, grain: string) => number) | null = null;
    // No series, or buckets of an hour or more: whole hours from 1h rows (on the answer's hour
    // boundaries); a sub-hour series: the sub-hour rows (fleet-tiers.ts).
    let tiers: TierRule = { prefer: 'hours' };
    if (q.bucket !== null) {
      const b = makeBucketing(q.bucket, q.tz);
      const asked = bucketSeconds(q.bucket);
      tiers = asked >= 3600 ? { prefer: 'hours', align: b.start(since ?? this.opts.now) % 3600 } : { prefer: 'fine' };
      bucketOf = (start, grain) => {
        const at = b.start(start);
        if (!isBucketSize(grain) || bucketSeconds(grain) > asked) {
          throw new PmtaAcctError(
            'USAGE',
            `--bucket ${q.bucket}: part of this range is stored only as ${grain} buckets (one of them at ${isoTime(start, q.tz)}; hosts roll buckets up as they age: tail --retain); ask --bucket ${grain}, or a later --since`,
          );
        }
        return at;
      };
    }
    const filter: FleetFilter = { hosts, since, until, tiers };
    const plan = q.verdicts ?? null;
    const [stats, all] = await Promise.all([
      readFleetStats(store, filter),
      since === null && until === null ? null : readFleetStats(store, { hosts, since: null, until: null }),
    ]);
    const from = stats.firstEvent === null ? null : Math.max(stats.firstEvent, since ?? Number.NEGATIVE_INFINITY);
    const to = plan === null ? null : Math.min(plan.at ?? this.opts.now, until ?? Number.POSITIVE_INFINITY);
    // The groups' reads are independent: ClickHouse runs them side by side (a FINAL read is one
    // stream per shard on 18.16, so one at a time leaves the servers' other cores idle).
    const [read, judged, incidents] = await Promise.all([
      readFleetRollup(store, filter, { dims, bucketOf, hist: true }),
      plan === null ? null : judgeFleet(store, plan, hosts, this.opts.now, this.opts.silenceAfter, q.tz),
      plan === null ? null : fleetIncidents(store, plan, hosts, from, to),
    ]);
    // A dimension a view adds (the nightly report's bounce reasons) that no host keeps (tail --dims)
    // is '' in every stored row: left out, as a state that does not keep it leaves it out, rather
    // than one "(none)" reason for every bounce.
    const kept = dims.filter((d, i) => by.includes(d) || read.dicts[i].values.some((v) => v !== ''));
    const rollup = kept.length === dims.length ? read : regroup(read, kept, (s) => s);
    const model = buildModel(inputOf(rollup, stats.counted, stats.firstEvent, stats.lastEvent, (all ?? stats).counted - stats.counted), {
      by,
      bucket: q.bucket,
      since,
      until,
      tz: q.tz,
      top: q.top,
      views: q.views,
    });
    if (plan === null || judged === null) return { model, notes, days: null };
    const { summary } = judged;
    return { model: { ...model, verdicts: summary, incidents, rules: plan.rules }, notes, days: null };
  }

  /**
   * The verdicts, and the input line over the hours the rules' windows reach (the longest window
   * back from their end): a check run every 5 minutes costs the same over a week's store and over
   * a year's. Only a fleet with no record there (silent past every window) reads the whole store,
   * for when its last record was.
   */
  async check(q: RollupQuestion, plan: VerdictPlan): Promise<CheckAnswer> {
    const store = await this.store();
    const hosts = this.opts.hosts;
    const reach = floorTo((plan.at ?? this.opts.now) - plan.horizon, 3600);
    const [recent, { summary }] = await Promise.all([
      readFleetStats(store, { hosts, since: reach, until: null }),
      judgeFleet(store, plan, hosts, this.opts.now, this.opts.silenceAfter, q.tz),
    ]);
    const stats = recent.counted > 0 ? recent : await readFleetStats(store, { hosts, since: null, until: null });
    const model = buildModel(inputOf(new Rollup([]), stats.counted, stats.firstEvent, stats.lastEvent, 0), {
      by: [],
      bucket: null,
      since: null,
      until: null,
      tz: q.tz,
      top: null,
    });
    return { model: { ...model, verdicts: summary, rules: plan.rules }, notes: [] };
  }

  async close(): Promise<void> {
    await this.ch.close();
  }

  /** Earlier periods come from `--history DIR` (daily summaries) over a fleet. */
  history(_q: RollupQuestion): HistorySource | null {
    return null;
  }
}
