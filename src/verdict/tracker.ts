/**
 * Level changes between successive evaluations (tail: after each bucket it commits), for alerts.
 * A verdict is identified by its rule and scope. Nothing is known before the first evaluation, so
 * everything starts at OK: a problem present at start-up is reported once. A verdict that stops
 * being produced (its volume fell under the rule's minimum, its ISP stopped sending) is a change
 * back to OK. INFO verdicts (capacity) change with every bucket and never alert.
 */
import { scopeLabel } from './message.js';
import type { Level, Verdict } from './types.js';

export interface LevelChange {
  readonly previous: Level;
  /** The verdict now (level OK and a note when it is no longer produced). */
  readonly verdict: Verdict;
}

function idOf(v: Verdict): string {
  return `${v.rule}\u0000${Object.entries(v.scope).map(([k, x]) => `${k}=${x}`).join('\u0000')}`;
}

export class LevelTracker {
  private readonly last = new Map<string, Verdict>();

  /** Changes since the previous call, in the order of `verdicts` (worst first), then the recoveries. */
  update(verdicts: readonly Verdict[]): LevelChange[] {
    const changes: LevelChange[] = [];
    const seen = new Set<string>();
    for (const v of verdicts) {
      if (v.level === 'INFO') continue;
      const id = idOf(v);
      seen.add(id);
      const before = this.last.get(id);
      const previous = before?.level ?? 'OK';
      if (previous !== v.level) changes.push({ previous, verdict: v });
      if (v.level === 'OK') this.last.delete(id);
      else this.last.set(id, v);
    }
    for (const [id, before] of this.last) {
      if (seen.has(id)) continue;
      this.last.delete(id);
      const label = scopeLabel(before.scope);
      const message = `${label === '' ? '' : `${label} `}${before.rule}: back to OK (no longer enough volume to judge)`;
      changes.push({ previous: before.level, verdict: { ...before, level: 'OK', message } });
    }
    return changes;
  }

  /** Verdicts currently above OK. */
  get active(): readonly Verdict[] {
    return [...this.last.values()];
  }
}
