/**
 * A rules file's `scope: isp=ID` checked against the ISP ids known (the built-in map and the
 * config's `isp` map). An unknown id is not an error: a `NAME.rollup` queue or a domain without a
 * table entry makes ids of its own. But a typo (`isp=yahooo`) judges nothing and says nothing, so
 * each unknown id gets one warning at its position, with the closest known id.
 */
import { atPosition } from '../errors.js';
import type { RuleSet } from './types.js';

/** Edits (insert, delete, replace, swap two neighbours) from a to b. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}

/** The known id nearest to `id`, when it is near enough to be what was meant (a third of its letters, at least 1, at most 3). */
export function closestId(id: string, known: Iterable<string>): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(id.length / 3)));
  let best: string | null = null;
  let bestD = limit + 1;
  for (const k of [...known].sort()) {
    const dist = distance(id, k);
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return best;
}

/** One warning per unknown ISP id of the rules file, at its first position, in the file's order. */
export function unknownIspScopes(set: RuleSet, known: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of set.ispScopes ?? []) {
    if (known.has(s.id) || seen.has(s.id)) continue;
    seen.add(s.id);
    const near = closestId(s.id, known);
    out.push(
      atPosition(
        s.at,
        `scope isp=${s.id}: not an ISP id of the built-in ISP map or the config's isp map (only a rollup queue ${s.id}.rollup or an MX host could give it)${near === null ? '' : `: did you mean ${near}?`}`,
      ),
    );
  }
  return out;
}
