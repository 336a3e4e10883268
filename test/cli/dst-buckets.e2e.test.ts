/**
 * The hour a DST change back repeats is two buckets: in New York on 2026-11-01, 01:00 EDT
 * (05:00Z) and 01:00 EST (06:00Z). Every human format tells them apart by the offset, and only
 * those: the other hours keep their plain label.
 */
import { describe, expect, it } from 'vitest';
import { rows, writeAcct } from '../helpers/acct.js';
import { runCli } from '../helpers/cli.js';

/** One delivery a minute from 2026-11-01 03:00Z (23:00 EDT the day before) to 08:59Z (03:59 EST). */
const file = writeAcct(
  rows(360, 'd', Date.UTC(2026, 10, 1, 3) / 1000, { rcpt: 'a@gmail.com', ip: '203.0.113.5' }).map((r, i) => ({ ...r, t: r.t + i * 59 })),
);

function report(format: string): string {
  const r = runCli(['report', file, '--tz', 'America/New_York', '--bucket', '1h', '--no-verdicts', '--format', format]);
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('buckets of the repeated hour when DST ends', () => {
  it('table: two 01:00 rows, one -04 and one -05, the other hours as they are', () => {
    const lines = report('table').split('\n');
    const bucketRows = lines.filter((l) => /^│ 2026-1[01]-\d\d /.test(l)).map((l) => l.split('│')[1].trim());
    expect(bucketRows).toEqual([
      '2026-10-31 23:00',
      '2026-11-01 00:00',
      '2026-11-01 01:00 -04',
      '2026-11-01 01:00 -05',
      '2026-11-01 02:00',
      '2026-11-01 03:00',
    ]);
    // the volume bars: one label each
    const bars = lines.filter((l) => /^\d\d-\d\d \d\d:\d\d/.test(l)).map((l) => l.slice(0, 17).trim());
    expect(bars).toEqual(['10-31 23:00', '11-01 00:00', '11-01 01:00 -04', '11-01 01:00 -05', '11-01 02:00', '11-01 03:00']);
  });

  it('markdown: the same labels', () => {
    const md = report('md');
    expect(md).toContain('| 2026-11-01 01:00 -04 | 60 |');
    expect(md).toContain('| 2026-11-01 01:00 -05 | 60 |');
    expect(md).toContain('| 2026-11-01 02:00 | 60 |');
    expect(md).not.toMatch(/\| 2026-11-01 01:00 \|/);
  });

  it('html: the chart points of the repeated hour are told apart', () => {
    const html = report('html');
    expect(html).toContain('01:00 -04');
    expect(html).toContain('01:00 -05');
    expect(html).not.toMatch(/>\s*11-01 01:00\s*</);
  });

  it('csv and json keep their ISO times with the offset', () => {
    const csv = report('csv');
    expect(csv).toContain('2026-11-01T01:00:00-04:00');
    expect(csv).toContain('2026-11-01T01:00:00-05:00');
  });

  it('the header of every human format: events from the first 01:10 (-04) to the second 01:40 (-05)', () => {
    // 05:10Z is 01:10 EDT; 06:40Z is 01:40 EST
    const within = writeAcct(
      rows(4, 'd', Date.UTC(2026, 10, 1, 5, 10) / 1000, { rcpt: 'a@gmail.com' }).map((r, i) => ({ ...r, t: r.t + i * 1800 })),
    );
    const header = (format: string) => {
      const r = runCli(['report', within, '--tz', 'America/New_York', '--no-verdicts', '--format', format]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    expect(header('table')).toContain('events 2026-11-01 01:10 -04 to 2026-11-01 01:40 -05 America/New_York');
    expect(header('md')).toContain('Events from 2026-11-01 01:10 -04 to 2026-11-01 01:40 -05 (America/New_York).');
    expect(header('html')).toContain('events 2026-11-01 01:10 -04 to 2026-11-01 01:40 -05 (America/New_York)');
  });
});
