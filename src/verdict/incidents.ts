/**
 * Incidents: what went wrong during a period, when, for how long and how bad. Every rule is judged
 * at every window end of the period (series.ts); consecutive windows at WARN or above for the same
 * rule and scope are one incident. Whether a run of bad windows is an incident, and when it ends,
 * is decided by the LevelTracker that `tail` alerts with, on the window ends as its clock: a rule's
 * `for` damps a report exactly as it damps tail's alerts (a level that does not hold that long is
 * no incident, a dip back to OK shorter than it does not end one), so a day replayed through
 * `tail --once` raises a change at each incident's start and end.
 */
import type { RateLimits } from '../pmta-config/limits.js';
import type { Rollup } from '../rollup/rollup.js';
import { judgeEnds, windowEnds } from './series.js';
import { LevelTracker, verdictId } from './tracker.js';
import { severity, type Metric, type RuleSet, type Verdict } from './types.js';
import { floorTo } from './window.js';

export interface Incident {
  readonly rule: string;
  readonly metric: Metric;
  readonly scope: Readonly<Record<string, string>>;
  /** The worst level announced during it. */
  readonly level: 'WARN' | 'CRIT';
  /** End of its first window at WARN or above: when the rule first saw it. */
  readonly start: number;
  /** End of the first window back at OK (when the rule saw it end); the period's last window end while ongoing. */
  readonly end: number;
  /** Still at WARN or above at the period's last window end. */
  readonly ongoing: boolean;
  /** Its worst window: the value, count and volume, the span judged and the message. */
  readonly peak: Verdict;
  /** The span of that window that held the period's data: [max(window start, the period's first bucket), window end). */
  readonly peakSpan: { readonly start: number; readonly end: number };
  /** Window ends judged at WARN or above during it. */
  readonly windows: number;
}

export interface IncidentSummary {
  /** First and last window end judged (epoch seconds); null when nothing was judged. */
  readonly from: number | null;
  readonly to: number | null;
  /** Seconds between window ends (the verdict grain). */
  readonly step: number;
  /** In order of start, then worst first. */
  readonly incidents: readonly Incident[];
  /** The period began before `from` but only its last stretch was judged (see INCIDENT_REACH). */
  readonly cut: boolean;
}

/** The worse of two verdicts of one rule and scope: the higher level, then the higher value (silence: more records with nothing delivered); the earlier on a tie. */
function worse(a: Verdict, b: Verdict): Verdict {
  const s = severity(b.level) - severity(a.level);
  if (s !== 0) return s > 0 ? b : a;
  if (a.metric === 'silence') return b.volume > a.volume ? b : a;
  return b.value > a.value ? b : a;
}

interface Run {
  /** End of the first bad window of the run. */
  readonly first: number;
  peak: Verdict;
  windows: number;
  level: 'OK' | 'WARN' | 'CRIT';
  /** End of the first window back at OK after the last bad one, while the tracker holds. */
  okSince: number | null;
  announced: boolean;
}

function incidentOf(run: Run, end: number, ongoing: boolean, dataFrom: number): Incident {
  const p = run.peak;
  return {
    rule: p.rule,
    metric: p.metric,
    scope: p.scope,
    level: run.level === 'CRIT' ? 'CRIT' : 'WARN',
    start: run.first,
    end,
    ongoing,
    peak: p,
    peakSpan: { start: Math.max(p.window.start, dataFrom), end: p.window.end },
    windows: run.windows,
  };
}

/** Builds incidents from the WARN and CRIT verdicts of successive window ends. */
export class IncidentBuilder {
  private readonly tracker: LevelTracker;
  private readonly runs = new Map<string, Run>();
  private readonly done: Incident[] = [];
  private last: number | null = null;

  /** `dataFrom`: the start of the period's first bucket (a window reaching before it saw no data there). */
  constructor(
    rules: RuleSet,
    private readonly dataFrom = Number.NEGATIVE_INFINITY,
  ) {
    this.tracker = new LevelTracker(new Map(rules.rules.map((r) => [r.name, r.hold ?? 0])));
  }

  /** The problems (WARN, CRIT) of the window ending at `end`; ends must come in order. */
  step(end: number, problems: readonly Verdict[]): void {
    this.last = end;
    const seen = new Set<string>();
    for (let i = 0; i < problems.length; i++) {
      const v = problems[i];
      if (severity(v.level) === 0) continue;
      const id = verdictId(v);
      seen.add(id);
      const run = this.runs.get(id);
      if (run === undefined) this.runs.set(id, { first: end, peak: v, windows: 1, level: 'OK', okSince: null, announced: false });
      else {
        run.peak = worse(run.peak, v);
        run.windows++;
        run.okSince = null;
      }
    }
    for (const [id, run] of this.runs) {
      if (seen.has(id)) continue;
      // a run the tracker never announced is forgotten at its first OK window, as the tracker forgets it
      if (!run.announced) this.runs.delete(id);
      else run.okSince ??= end;
    }
    for (const c of this.tracker.update(problems, end)) {
      const id = verdictId(c.verdict);
      const run = this.runs.get(id);
      if (run === undefined) continue;
      if (c.verdict.level === 'OK') {
        this.done.push(incidentOf(run, run.okSince ?? end, false, this.dataFrom));
        this.runs.delete(id);
      } else {
        run.announced = true;
        if (severity(c.verdict.level) > severity(run.level)) run.level = c.verdict.level === 'CRIT' ? 'CRIT' : 'WARN';
      }
    }
  }

  /** The incidents, those still open at the last end judged included (ongoing). */
  finish(): Incident[] {
    const open = [...this.runs.values()].filter((r) => r.announced).map((r) => incidentOf(r, this.last ?? r.first, true, this.dataFrom));
    const key = (i: Incident) =>
      `${i.rule}\u0000${Object.entries(i.scope)
        .map(([k, v]) => `${k}=${v}`)
        .join('\u0000')}`;
    return [...this.done, ...open].sort(
      (a, b) => a.start - b.start || severity(b.level) - severity(a.level) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
    );
  }
}

/**
 * How far back from a period's end incidents are judged: the fine verdict buckets of this long
 * (plus the longest window) are kept in memory, which a longer period must not grow without bound.
 */
export const INCIDENT_REACH = 7 * 86400;

export interface IncidentInput {
  readonly rollup: Rollup;
  readonly bucketSeconds: number;
  readonly rules: RuleSet;
  readonly limits: RateLimits | null;
  /** Window ends after `from` (the first event) and up to `to` (the verdicts' end), stepping by `step`. */
  readonly from: number;
  readonly to: number;
  readonly step: number;
  /** No window ends before this (a tail state keeps the verdict grain only for its recent buckets); the period is then `cut`. */
  readonly earliest?: number;
  /**
   * Called with every verdict (OK and INFO included) of the last window end, `to`, judged in the
   * same pass: what `evaluate` says at `to` (verdict/series.ts), without a regrouping per rule.
   */
  readonly atEnd?: (verdicts: readonly Verdict[]) => void;
}

export function findIncidents(input: IncidentInput): IncidentSummary {
  const earliest = Math.max(input.to - INCIDENT_REACH, input.earliest ?? Number.NEGATIVE_INFINITY);
  const cut = input.from < earliest;
  const ends = windowEnds(Math.max(input.from, earliest), input.to, input.step);
  const builder = new IncidentBuilder(input.rules, floorTo(input.from, input.bucketSeconds));
  const atEnd = input.atEnd;
  judgeEnds({ ...input, problemsOnly: true, fullAtLast: atEnd !== undefined }, ends, (end, verdicts) => {
    builder.step(end, verdicts);
    if (atEnd !== undefined && end === input.to) atEnd(verdicts);
  });
  return { from: ends[0] ?? null, to: ends.at(-1) ?? null, step: input.step, incidents: builder.finish(), cut };
}
