/**
 * Any source that can produce a report model for a period is a history: this adapter turns such a
 * function into a HistorySource. It is the seam for `tail`'s SQLite state (report --state builds
 * the same model from stored buckets): `new ModelHistory('the tail state in DIR', (since, until,
 * tz) => covered ? runStateReport(DIR, { ...request, by: ['isp', 'ip'], since, until, tz }).model : null)`.
 */
import type { ReportModel } from '../model/model.js';
import type { HistoryAnswer, HistorySource } from './history.js';

/** A model of [since, until) in tz, or null when the source does not cover that whole period. */
export type ModelForPeriod = (since: number, until: number, tz: string) => ReportModel | null | Promise<ReportModel | null>;

/** Epoch seconds as ISO 8601 in UTC, to the second (as the rest of the messages write times). */
function utc(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

export class ModelHistory implements HistorySource {
  constructor(
    readonly description: string,
    private readonly modelFor: ModelForPeriod,
  ) {}

  async figures(since: number, until: number, tz: string): Promise<HistoryAnswer> {
    const m = await this.modelFor(since, until, tz);
    if (m === null)
      return {
        missing: `${this.description} does not cover ${utc(since)} to ${utc(until)}`,
      };
    if (m.byIsp === null || m.byIp === null) return { missing: `${this.description} keeps no per-ISP and per-IP counts` };
    return { figures: { since, until, total: m.total, byIsp: m.byIsp, byIp: m.byIp, incidents: m.incidents?.incidents.length ?? null } };
  }
}
