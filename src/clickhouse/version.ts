/**
 * The server versions pmta-acct speaks to. The SQL stays within what 18.16 runs (Debian's package,
 * which the tests start) and what current releases run; older servers lack what the tables need
 * (`system.build_options`' VERSION_INTEGER, sumMap over UInt64 arrays as used here), so they are refused.
 */
export interface ServerVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
}

export const MIN_VERSION = { major: 18, minor: 16 } as const;
/** Versions the test suite ran against. */
export const TESTED_VERSIONS: readonly string[] = ['18.16.1'];

export function parseVersion(text: string): ServerVersion | null {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  if (m === null) return null;
  return { text: text.trim(), major: Number(m[1]), minor: Number(m[2]) };
}

export function atLeast(v: ServerVersion, min: { major: number; minor: number }): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}

/** Whether `v` is a tested version (by major.minor). */
export function isTested(v: ServerVersion): boolean {
  return TESTED_VERSIONS.some((t) => {
    const tv = parseVersion(t);
    return tv !== null && tv.major === v.major && tv.minor === v.minor;
  });
}

/** One line for `clickhouse init` and ship's start: the version, and whether it was tested. */
export function versionNote(v: ServerVersion): string {
  return isTested(v)
    ? `ClickHouse ${v.text} (tested)`
    : `ClickHouse ${v.text} (tested with ${TESTED_VERSIONS.join(', ')}; newer releases run the same SQL)`;
}
