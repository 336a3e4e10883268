/**
 * Several `<acct-file>` streams in one directory. PowerMTA's config may write more than one
 * accounting file (each `<acct-file>` block its own path and `records`), and two of them in one
 * directory are two rotation stems there: `acct.csv` and `acct-2026-11-28-0000.csv` are the stem
 * `acct`, `bounces.csv` and its rotations the stem `bounces`. Streams of different record types
 * (d,b in one, t,tq in the other) add up; streams whose types overlap (all records in one, b
 * records in the other) count the shared records once per stream. A directory named as an input
 * reads every file in it, so the second case is said, naming the stems and how to pick one.
 *
 * Only rotation stems count (a stem with a rotated file in the directory): a directory of
 * unrelated single files is not a PowerMTA config's output. The normal case costs nothing: one
 * stem opens no file. With two or more, the start (64 KiB) of one file per stem is read for its
 * record types. Not seen: two live files whose rotations are moved elsewhere (move-to).
 */
import { closeSync, openSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isGzipFd, readGzipHead, readHead } from './file-identity.js';
import { parseRotationName } from './rotation-name.js';

const SAMPLE_BYTES = 64 * 1024;
/** A record type's cell: d, b, t, tq, r, rb, rs, f (the header's first cell is `type`). */
const TYPE_CELL = /^[a-z]{1,2}$/;

/** `acct` for `acct.csv`, `acct.csv.gz` and `acct-2026-11-28-0003.csv.gz`. */
export function streamStem(name: string): string {
  const r = parseRotationName(name);
  if (r !== undefined) return r.stem;
  return name.replace(/\.gz$/i, '').replace(/\.[^.]*$/, '');
}

/** The first 64 KiB of a file, decompressed when it is a .gz (a cut stream ends where its bytes do). */
function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    if (isGzipFd(fd)) return readGzipHead(path, SAMPLE_BYTES).subarray(0, SAMPLE_BYTES);
    return readHead(fd, SAMPLE_BYTES);
  } finally {
    closeSync(fd);
  }
}

/** The record types among the first records of a file (empty when it cannot be read). */
export function sampleTypes(path: string): Set<string> {
  const types = new Set<string>();
  let text: string;
  try {
    text = head(path).toString('latin1');
  } catch {
    return types; // reading it says what is wrong
  }
  for (const line of text.split('\n')) {
    const comma = line.indexOf(',');
    const cell = comma < 0 ? '' : line.slice(0, comma).replace(/^"|"$/g, '');
    if (TYPE_CELL.test(cell)) types.add(cell);
  }
  return types;
}

/**
 * The warning for a directory whose files are two or more streams sharing a record type, or null.
 * `files`: the directory's accounting files in reading order.
 */
export function overlappingStreams(dir: string, files: readonly string[]): string | null {
  const byStem = new Map<string, string[]>();
  for (const f of files) {
    const stem = streamStem(basename(f));
    const list = byStem.get(stem);
    if (list === undefined) byStem.set(stem, [f]);
    else list.push(f);
  }
  // Streams are rotation stems: a stem with a file PowerMTA rotated (`acct-2026-11-28-0000.csv`).
  // A directory of single files (test cases, exports) is not a config's output and says nothing.
  for (const [stem, list] of byStem) if (!list.some((f) => parseRotationName(basename(f)) !== undefined)) byStem.delete(stem);
  if (byStem.size < 2) return null;
  // one file per stem, the newest: the config writes what it writes now
  const typesOf = new Map([...byStem].map(([stem, list]) => [stem, sampleTypes(list[list.length - 1])]));
  const stems = [...typesOf.keys()];
  for (let i = 0; i < stems.length; i++) {
    for (let j = i + 1; j < stems.length; j++) {
      const a = typesOf.get(stems[i]) ?? new Set<string>();
      const shared = [...(typesOf.get(stems[j]) ?? [])].filter((t) => a.has(t)).sort();
      if (shared.length === 0) continue;
      const files = (stem: string) => (byStem.get(stem) ?? []).map((f) => basename(f));
      const shown = (stem: string) => {
        const names = files(stem);
        const live = names.filter((n) => parseRotationName(n) === undefined);
        return [...live, ...(names.length > live.length ? [`${stem}-*`] : [])];
      };
      // the stream with more record types (all records, beside one of bounces) is the one to keep
      const keep = (typesOf.get(stems[j])?.size ?? 0) > a.size ? stems[j] : stems[i];
      const pick = shown(keep).map((n) => (n.endsWith('*') ? `'${join(dir, n)}'` : join(dir, n)));
      return (
        `${dir}: two accounting streams share ${shared.join(', ')} records, ${stems[i]} (${shown(stems[i]).join(', ')}) and ` +
        `${stems[j]} (${shown(stems[j]).join(', ')}): two <acct-file> blocks of PowerMTA's config write into this directory, ` +
        `and reading all of it counts those records twice. Name one stream instead: ${pick.join(' ')}`
      );
    }
  }
  return null;
}
