/**
 * --since/--until pruning by file name, before any file is opened. PowerMTA names a rotated file
 * `NAME-YYYY-MM-DD-NNNN.ext` after the day it was started, in the server's local time, and the
 * file holds records from then until the next file of the same series (same directory, NAME and
 * extension) was started. The server's UTC offset is not in the name, so the bounds assume the
 * worst of -12:00 ... +14:00, plus an hour of slack for clocks:
 *
 *   file dated D:  no record before  D 00:00 UTC - 14 h - 1 h
 *                  no record after   D' 24:00 UTC + 12 h + 1 h,  D' = the date of the next file
 *                                    of its series; the last file of a series has no upper bound
 *
 * A file is pruned only when [lower, upper) misses [since, until) entirely. Files whose names do
 * not follow the pattern (and stdin) are always read.
 */
import { basename, dirname } from 'node:path';
import { fromLocalTime, localTime } from '../util/zone.js';
import { parseRotationName } from './rotation-name.js';

const HOUR = 3600;
const DAY = 86400;
const SLACK = HOUR;
const MAX_AHEAD = 14 * HOUR;
const MAX_BEHIND = 12 * HOUR;

export interface PruneResult {
  readonly kept: string[];
  readonly pruned: string[];
}

interface Dated {
  readonly path: string;
  readonly series: string;
  readonly day: number;
  readonly seq: number;
}

/** Midnight of the name's date read as UTC (the bounds allow for any offset); NaN for a date that does not exist. */
function dayStart(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const t = fromLocalTime({ year, month, day, hour: 0, minute: 0, second: 0 }, 'UTC');
  const back = localTime(t, 'UTC');
  return back.year === year && back.month === month && back.day === day ? t : Number.NaN;
}

/** The range of event times a file can hold, [lower, upper) in epoch seconds, by path. */
export function fileBounds(paths: readonly string[]): Map<string, { lower: number; upper: number }> {
  const dated: Dated[] = [];
  for (const path of paths) {
    if (path === '-') continue;
    const r = parseRotationName(basename(path));
    if (r === undefined) continue;
    const day = dayStart(r.date);
    if (Number.isNaN(day)) continue;
    const ext = r.ext.toLowerCase() === '.gz' ? '' : r.ext;
    dated.push({ path, series: `${dirname(path)}\u0000${r.stem}\u0000${ext}`, day, seq: r.seq });
  }
  const bySeries = new Map<string, Dated[]>();
  for (const f of dated) {
    const list = bySeries.get(f.series) ?? [];
    list.push(f);
    bySeries.set(f.series, list);
  }
  const out = new Map<string, { lower: number; upper: number }>();
  for (const list of bySeries.values()) {
    list.sort((a, b) => a.day - b.day || a.seq - b.seq);
    list.forEach((f, i) => {
      // the next file of the series that was started later (a copy under another name has the same day and seq)
      let j = i + 1;
      while (j < list.length && list[j].day === f.day && list[j].seq === f.seq) j++;
      const upper = j < list.length ? list[j].day + DAY + MAX_BEHIND + SLACK : Number.POSITIVE_INFINITY;
      out.set(f.path, { lower: f.day - MAX_AHEAD - SLACK, upper });
    });
  }
  return out;
}

/** Split paths into those that may hold events in [since, until) and those that cannot. */
export function pruneByName(paths: readonly string[], since: number | null, until: number | null): PruneResult {
  if (since === null && until === null) return { kept: [...paths], pruned: [] };
  const bounds = fileBounds(paths);
  const kept: string[] = [];
  const pruned: string[] = [];
  for (const path of paths) {
    const b = bounds.get(path);
    const out = b !== undefined && ((until !== null && b.lower >= until) || (since !== null && b.upper <= since));
    (out ? pruned : kept).push(path);
  }
  return { kept, pruned };
}
