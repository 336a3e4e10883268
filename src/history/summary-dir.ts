/**
 * A directory of daily summaries (day-file.ts): `report --save DIR` writes one file per local day of
 * its period, `--compare` reads them back as a HistorySource. Files are written whole to a temporary
 * name in the same directory and renamed into place, so a reader never sees half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PmtaAcctError, messageOf } from '../errors.js';
import { totalOf, tableOf } from '../model/rows.js';
import { bucketSeconds, type BucketSize } from '../rollup/buckets.js';
import { regroup } from '../rollup/regroup.js';
import { Rollup } from '../rollup/rollup.js';
import { addLocalDays, localDate } from '../util/zone.js';
import type { Incident, IncidentSummary } from '../verdict/incidents.js';
import { decodeDay, encodeDay, type DayIncidents, type DayInput } from './day-file.js';
import { localDays, periodOf, type HistoryAnswer, type HistorySource } from './history.js';

export function dayFile(dir: string, day: number, tz: string): string {
  return join(dir, `${localDate(day, tz)}.json`);
}

/**
 * The largest bucket (1h, 15m or 1m) whose edges fall on every local midnight of [since, until):
 * a day can then be cut out of the rollup exactly (zones like Asia/Kolkata are 30 minutes off).
 */
export function bucketForDays(since: number, until: number, tz: string): BucketSize {
  const days = [...localDays(since, until, tz), until];
  for (const size of ['1h', '15m'] as const) {
    if (days.every((d) => d % bucketSeconds(size) === 0)) return size;
  }
  return '1m';
}

/** Does a rollup bucketed by `size` cut cleanly at every local midnight of [since, until)? */
export function bucketFitsDays(size: BucketSize, since: number, until: number, tz: string): boolean {
  if (size === '1d') return true;
  return [...localDays(since, until, tz), until].every((d) => d % bucketSeconds(size) === 0);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Write one summary per local day of [since, until) from a rollup keyed by `isp` and `ip` with
 * buckets that cut at local midnight (bucketForDays). Returns the files written.
 */
export function saveDays(
  dir: string,
  rollup: Rollup,
  since: number,
  until: number,
  tz: string,
  input: DayInput,
  incidents: IncidentSummary | null,
): string[] {
  const p = periodOf(since, until, tz);
  if (p.days === null) {
    throw new PmtaAcctError(
      'USAGE',
      '--save records whole local days: give --since and --until at local midnight in --tz (e.g. --since yesterday --until today)',
    );
  }
  if (!rollup.dims.includes('isp') || !rollup.dims.includes('ip'))
    throw new PmtaAcctError('INTERNAL', 'saveDays: the rollup has no isp or ip dimension');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new PmtaAcctError('STATE', `--save: cannot create ${dir}: ${messageOf(err)}`);
  }
  const files: string[] = [];
  for (const day of localDays(since, until, tz)) {
    const next = addLocalDays(day, 1, tz);
    const inDay = (start: number) => start >= day && start < next;
    const file = dayFile(dir, day, tz);
    const text = encodeDay({
      day: localDate(day, tz),
      tz,
      since: day,
      until: next,
      // Input figures describe the whole run; a summary of several days repeats them on each.
      input,
      isp: regroup(rollup, ['isp'], null, inDay),
      ip: regroup(rollup, ['ip'], null, inDay),
      incidents: incidents === null ? null : dayIncidents(incidents.incidents, day, next),
    });
    try {
      writeAtomic(file, text);
    } catch (err) {
      throw new PmtaAcctError('STATE', `--save: cannot write ${file}: ${messageOf(err)}`);
    }
    files.push(file);
  }
  return files;
}

/** Incidents whose first window ended in (day, next]: windows ending at midnight judge the day before it. */
function dayIncidents(list: readonly Incident[], day: number, next: number): DayIncidents {
  const mine = list.filter((i) => i.start > day && i.start <= next);
  return {
    count: mine.length,
    crit: mine.filter((i) => i.level === 'CRIT').length,
    seconds: mine.reduce((n, i) => n + (i.end - i.start), 0),
  };
}

/** Daily summaries in a directory, as a HistorySource. */
export class SummaryDirHistory implements HistorySource {
  readonly description: string;

  constructor(readonly dir: string) {
    this.description = `daily summaries in ${dir}`;
  }

  async figures(since: number, until: number, tz: string): Promise<HistoryAnswer> {
    const p = periodOf(since, until, tz);
    if (p.days === null) return { missing: 'daily summaries cover whole local days only' };
    const isp = new Rollup(['isp']);
    const ip = new Rollup(['ip']);
    // the period's incidents are known when every day's are
    let incidents: number | null = 0;
    for (const day of localDays(since, until, tz)) {
      const file = dayFile(this.dir, day, tz);
      if (!existsSync(file)) return { missing: `no summary for ${localDate(day, tz)} (${file})` };
      let summary;
      try {
        summary = decodeDay(readFileSync(file, 'utf8'), file);
      } catch (err) {
        return { missing: messageOf(err) };
      }
      if (summary.since !== day || summary.until !== addLocalDays(day, 1, tz)) {
        return { missing: `${file} was saved for the day in ${summary.tz}, not ${tz}` };
      }
      isp.merge(summary.isp.toData());
      ip.merge(summary.ip.toData());
      incidents = incidents === null || summary.incidents === null ? null : incidents + summary.incidents.count;
    }
    return { figures: { since, until, total: totalOf(isp), byIsp: tableOf(isp, ['isp']), byIp: tableOf(ip, ['ip']), incidents } };
  }
}
