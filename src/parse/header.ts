/**
 * A header line maps column names to positions. PowerMTA writes one at the start of every file
 * (and every time a pipe restarts); names are matched case-insensitively because the manual itself
 * spells some of them two ways (envId/envid, reportingMta/reportingMTA).
 */
export interface Header {
  /** The names as written. */
  readonly names: readonly string[];
  /** Position of a lowercased name, or -1. The first of duplicated names wins. */
  col(name: string): number;
  /** Stable identity: equal names give an equal key. */
  readonly key: string;
}

export function makeHeader(names: readonly string[]): Header {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    const lower = name.trim().toLowerCase();
    if (!index.has(lower)) index.set(lower, i);
  });
  const frozen = Object.freeze([...names]);
  return {
    names: frozen,
    col: (name: string) => index.get(name.toLowerCase()) ?? -1,
    key: frozen.join('\u0000'),
  };
}
