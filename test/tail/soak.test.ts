/**
 * Soak (PMTA_ACCT_SOAK=1 only): a following tail over 60 simulated days, with the clock stepped an
 * hour at a time, the live file rotated every hour and rotated files deleted after a day (an
 * archive job). Its memory after a full collection must stay flat after the first week, its state
 * must stop growing once every tier holds its retention, and every record must be counted once.
 */
import { appendFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HEADER } from '../helpers/acct-writer.js';
import { SteppedClock } from '../helpers/clock.js';
import { countedIn, openSession, scratchDirs, settle } from '../helpers/session.js';
import { DEFAULT_RETAIN } from '../../src/state/tiers.js';

const SOAK = process.env.PMTA_ACCT_SOAK === '1';
const scratch = scratchDirs('pmta-soak-');
const HOUR = 3600;
const DAYS = 60;
const ROWS_PER_HOUR = 400;
const ISPS = ['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'];

function collect(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function stamp(t: number): string {
  return `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}

/** One hour of rows (no log kept: the harness must not grow either). */
function hourOfRows(from: number, n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) {
    const t = from + Math.floor((i * HOUR) / n);
    const domain = ISPS[i % ISPS.length];
    const ip = `198.51.100.${1 + (i % 7)}`;
    text += `d,${stamp(t)},${stamp(t - (i % 50))},news@sender.example,u${i}@${domain},relayed,2.0.0,smtp;250 ok,mx.${domain},,${ip},${1000 + i},vmta${i % 3},job${i % 5},pool-a,${domain}/vmta\r\n`;
  }
  return text;
}

describe.skipIf(!SOAK)('a tail following for weeks (soak)', () => {
  it('stays flat in memory, bounded in state, and exact', async () => {
    const gc = collect();
    const root = scratch();
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const live = join(logs, 'acct.csv');
    writeFileSync(live, `${HEADER}\r\n`);
    const start = Date.UTC(2026, 8, 1) / 1000;
    const clock = new SteppedClock();
    clock.wall = start * 1000;
    const s = await openSession(live, join(root, 'state'), { follow: true, clock, retain: DEFAULT_RETAIN });
    const samples: { day: number; rss: number; heap: number; external: number; stateBytes: number }[] = [];
    let written = 0;
    try {
      for (let hour = 0; hour < DAYS * 24; hour++) {
        const from = start + hour * HOUR;
        appendFileSync(live, hourOfRows(from, ROWS_PER_HOUR));
        written += ROWS_PER_HOUR;
        clock.advance(HOUR * 1000);
        await settle(s);
        const name = `acct-${new Date(from * 1000).toISOString().slice(0, 10)}-${String(hour % 24).padStart(4, '0')}.csv`;
        renameSync(live, join(logs, name));
        writeFileSync(live, `${HEADER}\r\n`);
        await settle(s);
        if (hour % 24 === 23) {
          gc();
          const m = process.memoryUsage();
          samples.push({
            day: (hour + 1) / 24,
            rss: m.rss,
            heap: m.heapUsed,
            external: m.external,
            stateBytes: statSync(join(root, 'state', 'state.db')).size,
          });
          // the archive job: the day's rotated files (read long before) go away
          for (const f of readdirSync(logs)) if (f !== 'acct.csv') rmSync(join(logs, f));
        }
      }
      expect(countedIn(s.state.dir).rows).toBe(written);
    } finally {
      s.close();
    }
    const mb = (b: number) => Math.round(b / 1048576);
    process.stderr.write(
      `soak: ${samples.map((x) => `day ${x.day}: rss ${mb(x.rss)} MB, heap ${mb(x.heap)} MB, external ${mb(x.external)} MB, state ${mb(x.stateBytes)} MB`).join('\n')}\n`,
    );
    const week = samples[6];
    const last = samples[samples.length - 1];
    expect(last.heap).toBeLessThanOrEqual(week.heap * 1.25);
    expect(last.rss).toBeLessThanOrEqual(week.rss * 1.25);
    // The state grows while the hour tier fills (35 days), then by a day tier row a day.
    const day40 = samples[39];
    expect(last.stateBytes).toBeLessThanOrEqual(day40.stateBytes * 1.25);
  }, 1_800_000);
});
