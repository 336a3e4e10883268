/**
 * Level changes between successive evaluations (tail: after each bucket it commits), for alerts.
 * A verdict is identified by its rule and scope. Nothing is known before the first evaluation, so
 * everything starts at OK: a problem present at start-up is reported once. A verdict that stops
 * being produced (its volume fell under the rule's minimum, its ISP stopped sending) is a change
 * back to OK. INFO verdicts (capacity) change with every bucket and never alert.
 *
 * A rule's `hold` damps flapping: a new level is announced only once every evaluation for that
 * long has found it (the Prometheus `for`), in both directions; a level that comes and goes
 * within the hold is never announced. Time is the window end judged, in seconds: the data's time
 * while tail catches up, the wall clock once it is live, and a report's window ends for its
 * incidents (verdict/incidents.ts), so tail and report damp alike.
 */
import { scopeLabel } from './message.js';
import type { Level, Verdict } from './types.js';

export interface LevelChange {
  readonly previous: Level;
  /** The verdict now (level OK and a note when it is no longer produced). */
  readonly verdict: Verdict;
}

/** What identifies a verdict across evaluations: its rule and scope. */
export function verdictId(v: Verdict): string {
  return `${v.rule}\u0000${Object.entries(v.scope)
    .map(([k, x]) => `${k}=${x}`)
    .join('\u0000')}`;
}

interface Pending {
  readonly level: Level;
  readonly since: number;
}

export class LevelTracker {
  /** The level last announced (absent: OK), with the verdict that announced it. */
  private readonly last = new Map<string, Verdict>();
  /** A level seen but not announced yet, since when. */
  private readonly pending = new Map<string, Pending>();
  private readonly holds: ReadonlyMap<string, number>;

  /** `holds`: seconds by rule name (rules absent or 0 announce at once). */
  constructor(holds: ReadonlyMap<string, number> = new Map()) {
    this.holds = holds;
  }

  /** Changes since the previous call, in the order of `verdicts` (worst first), then the recoveries. */
  update(verdicts: readonly Verdict[], now = 0): LevelChange[] {
    const changes: LevelChange[] = [];
    const seen = new Set<string>();
    for (const v of verdicts) {
      if (v.level === 'INFO') continue;
      const id = verdictId(v);
      seen.add(id);
      const change = this.observe(id, v, now);
      if (change !== null) changes.push(change);
    }
    for (const [id, before] of [...this.last]) {
      if (seen.has(id)) continue;
      const label = scopeLabel(before.scope);
      const message = `${label === '' ? '' : `${label} `}${before.rule}: back to OK (no longer enough volume to judge)`;
      const change = this.observe(id, { ...before, level: 'OK', message }, now);
      if (change !== null) changes.push(change);
    }
    for (const id of [...this.pending.keys()]) if (!seen.has(id) && !this.last.has(id)) this.pending.delete(id);
    return changes;
  }

  /** One verdict's level now: a change to announce, or null (same level, or still holding). */
  private observe(id: string, v: Verdict, now: number): LevelChange | null {
    const previous = this.last.get(id)?.level ?? 'OK';
    if (previous === v.level) {
      this.pending.delete(id);
      if (v.level !== 'OK') this.last.set(id, v);
      return null;
    }
    const hold = this.holds.get(v.rule) ?? 0;
    let p = this.pending.get(id);
    if (p === undefined || p.level !== v.level) {
      p = { level: v.level, since: now };
      this.pending.set(id, p);
    }
    if (now - p.since < hold) return null;
    this.pending.delete(id);
    if (v.level === 'OK') this.last.delete(id);
    else this.last.set(id, v);
    return { previous, verdict: v };
  }

  /** Verdicts currently above OK. */
  get active(): readonly Verdict[] {
    return [...this.last.values()];
  }
}
