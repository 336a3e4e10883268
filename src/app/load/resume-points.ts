/**
 * Where `load` may resume reading a plain file without reading it from its start: per file (by
 * content fingerprint), the byte the ledger committed, the line there, the header in effect there
 * and a marker of the bytes just before it (source/file-identity.ts `tailMarker`, as tail checks its
 * own resume point). Kept in a small file beside the host's lock (one per store and host), written
 * after a run and replaced whole. It is a hint, never the truth: a point is used only when its byte
 * equals the ledger's and the marker still matches the file; otherwise (a point missing, older
 * than the ledger after a killed run, a file rewritten, an unreadable or foreign file) the file is
 * read from its start as before, which is always right.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markerMatches, tailMarker, type TailMarker } from '../../source/file-identity.js';
import { storeHostId } from './host-lock.js';

export interface ResumePoint {
  /** Bytes of the content loaded: the offset reading resumes at. */
  readonly bytes: number;
  /** 1-based line number at `bytes`. */
  readonly line: number;
  /** The header in effect at `bytes` (null: none seen yet). */
  readonly header: readonly string[] | null;
  readonly marker: TailMarker;
}

const VERSION = 1;

export function resumePointsPath(store: string, host: string, dir: string): string {
  return join(dir, `pmta-acct-load-${storeHostId(store, host)}.resume.json`);
}

function isPoint(v: unknown): v is ResumePoint {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  const m = p.marker as Record<string, unknown> | null | undefined;
  return (
    Number.isSafeInteger(p.bytes) &&
    Number.isSafeInteger(p.line) &&
    (p.header === null || (Array.isArray(p.header) && p.header.every((n) => typeof n === 'string'))) &&
    typeof m === 'object' &&
    m !== null &&
    Number.isSafeInteger(m.len) &&
    (m.hash === null || typeof m.hash === 'string')
  );
}

/** The points kept by the last run; none when the file is missing or not one this version wrote. */
export function readResumePoints(path: string): Map<string, ResumePoint> {
  const points = new Map<string, ResumePoint>();
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return points;
  }
  if (typeof doc !== 'object' || doc === null) return points;
  const { version, files } = doc as { version?: unknown; files?: unknown };
  if (version !== VERSION || typeof files !== 'object' || files === null) return points;
  for (const [id, p] of Object.entries(files)) if (isPoint(p)) points.set(id, p);
  return points;
}

/** Replaces the kept points (written aside and renamed: a reader sees the old file or the new). */
export function writeResumePoints(path: string, points: ReadonlyMap<string, ResumePoint>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: VERSION, files: Object.fromEntries(points) })}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function withFile<T>(path: string, use: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The point at `bytes` of the file at `path`, or null when the byte before it is not a line end
 * (a last record taken whole at the end of a plain load may still grow: no point there).
 */
export function pointAt(path: string, bytes: number, line: number, header: readonly string[] | null): ResumePoint | null {
  if (bytes === 0) return null;
  return withFile(path, (fd) => {
    const last = Buffer.alloc(1);
    if (readSync(fd, last, 0, 1, bytes - 1) !== 1 || last[0] !== 10) return null;
    const marker = tailMarker(fd, bytes);
    return marker.len === 0 ? null : { bytes, line, header, marker };
  });
}

/** The point for `fileId` if it resumes exactly at the ledger's `from` in this file as it is now. */
export function usablePoint(points: ReadonlyMap<string, ResumePoint>, fileId: string, from: number, path: string): ResumePoint | null {
  const p = points.get(fileId);
  if (p === undefined || from === 0 || p.bytes !== from || p.marker.len === 0) return null;
  return withFile(path, (fd) => markerMatches(fd, from, p.marker)) ? p : null;
}
