/**
 * The load suite's week: K distinct days of generated traffic (2026-11-22 onwards by default: K
 * days ending on the generator's Saturday) from H hosts, each host-day a file of its own named as
 * PowerMTA rotates (`host-N/acct-YYYY-MM-DD-0000.csv`), so `query --since/--until` over the files
 * prunes them by name as it would an operator's archive, and the store's day partitions mean
 * something. A day holds `rows` records in all (rows / H per host); every host-day has its own
 * seed, so the recipients, times and replies differ between hosts and days while the day's
 * campaigns (cmp-YYYYMMDD-NN, named after the date) are shared by the hosts, as a fleet sends one
 * campaign from all of them. Made once per size into bench/data/ and kept (about 505 MB per 1 M
 * records).
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSingleFile } from './generate.js';

const DAY = 86400;
/** The week's last day: the generator's default date (its campaigns and replies are modelled on it). */
const LAST_DAY = '2026-11-28';

export interface Week {
  readonly dir: string;
  /** `YYYY-MM-DD` of each day, oldest first. */
  readonly dates: readonly string[];
  readonly hosts: readonly string[];
  /** Per host, its files oldest first. */
  readonly files: ReadonlyMap<string, readonly string[]>;
  /** Every file (host by host). */
  readonly all: readonly string[];
  readonly rows: number;
  readonly bytes: number;
}

function dateOf(k: number, days: number): string {
  return new Date(Date.parse(`${LAST_DAY}T00:00:00Z`) - (days - 1 - k) * DAY * 1000).toISOString().slice(0, 10);
}

/** The first data row's cell in `column` of a generated file (the header is the generator's). */
export function firstCell(file: string, column: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    const [header, row] = text.split('\r\n');
    const at = header.split(',').indexOf(column);
    // the generator quotes only cells with commas; the first columns up to rcpt never need it
    const cell = row.split(',')[at];
    if (at < 0 || cell === undefined || cell.includes('"')) throw new Error(`${file}: no plain ${column} in the first row`);
    return cell;
  } finally {
    closeSync(fd);
  }
}

export async function prepareWeek(dataDir: string, rows: number, days: number, hosts: number, log: (s: string) => void): Promise<Week> {
  const dir = join(dataDir, `week-${rows}x${days}x${hosts}`);
  const dates = Array.from({ length: days }, (_, k) => dateOf(k, days));
  const names = Array.from({ length: hosts }, (_, h) => `host${h + 1}`);
  const files = new Map(names.map((h) => [h, dates.map((d) => join(dir, h, `acct-${d}-0000.csv`))]));
  const done = join(dir, 'built');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    const perHost = Math.floor(rows / hosts);
    for (const [h, name] of names.entries()) {
      mkdirSync(join(dir, name), { recursive: true });
      for (const [k, date] of dates.entries()) {
        const path = (files.get(name) ?? [])[k];
        log(`load suite: generating ${perHost} rows of ${date} for ${name} into ${path}...`);
        await writeSingleFile(`${path}.tmp`, { rows: perHost, date, seed: 42 + 1000 * (h + 1) + k });
        renameSync(`${path}.tmp`, path);
      }
    }
    writeFileSync(done, `${new Date().toISOString()}\n`);
  }
  const all = [...files.values()].flat();
  const bytes = all.reduce((n, f) => n + statSync(f).size, 0);
  return { dir, dates, hosts: names, files, all, rows: Math.floor(rows / hosts) * hosts * days, bytes };
}
