/**
 * A followed accounting file as the follower knows it and the state stores it: its identity
 * ((dev, ino) + a fingerprint of its first data record), the committed offset (line-aligned: just
 * after the last record counted), the header in effect there, and a marker of the bytes before the
 * offset to check the file still holds what was counted. Gaps (bytes lost because a file went away
 * unread) are facts of their own.
 */

/**
 * live: the file at the live path; rotated: renamed away, still being read; drained: read to its
 * end and closed; skipped: there before a `--from end` start, never counted; gone: not found.
 */
export type FileState = 'live' | 'rotated' | 'drained' | 'skipped' | 'gone';

export interface FileRow {
  id: number;
  dev: string;
  ino: string;
  /** sha256 of the first data record (null until the file has one). */
  fp: string | null;
  path: string;
  gz: boolean;
  state: FileState;
  /** Committed offset (decompressed bytes for .gz) and the 1-based line there. */
  offset: number;
  line: number;
  /** Size when last seen (decompressed size for .gz once read to the end). */
  size: number;
  /** Header names in effect at `offset`, and where that header row starts (null: none yet). */
  header: string[] | null;
  headerOffset: number | null;
  /** Length and sha256 of the bytes just before `offset` (0 / null at offset 0). */
  tailLen: number;
  tailHash: string | null;
  firstSeen: number;
  /** Wall-clock seconds when the size last changed (a rotated file is closed after it stays put). */
  lastChange: number;
  goneAt: number | null;
}

export interface Gap {
  readonly path: string;
  readonly dev: string;
  readonly ino: string;
  readonly offset: number;
  readonly size: number;
  /** Bytes known to be missing (at least; the file may have grown after it was last seen). */
  readonly missing: number;
  readonly reason: string;
  readonly detectedAt: number;
}
