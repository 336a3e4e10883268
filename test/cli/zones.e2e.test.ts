/**
 * --since and --until from the command line: every accepted way of writing a wall-clock time
 * selects the same records, in zones east and west of UTC, across a DST change back (where the
 * repeated time is its earlier instance).
 */
import { describe, expect, it } from 'vitest';
import { rows, writeAcct } from '../helpers/acct.js';
import { reportJson } from '../helpers/cli.js';

/** One delivery a minute from 2026-10-24 22:00 to 2026-11-01 23:00 UTC. */
const file = writeAcct(
  rows(60 * 24 * 8 + 60, 'd', Date.UTC(2026, 9, 24, 22) / 1000, { rcpt: 'a@gmail.com', ip: '203.0.113.5' }).map((r, i) => ({
    ...r,
    t: r.t + i * 59,
  })),
);

function select(tz: string, since: string, until: string): { counted: unknown; firstEvent: unknown; lastEvent: unknown } {
  const j = reportJson([file, '--tz', tz, '--since', since, '--until', until, '--no-verdicts', '--by', 'isp']);
  const { counted, firstEvent, lastEvent } = j.input as Record<string, unknown>;
  return { counted, firstEvent, lastEvent };
}

describe('--since and --until in every form', () => {
  it('Europe/Paris across the DST change back: 02:30 is the earlier one (00:30Z)', () => {
    const forms: [string, string][] = [
      ['2026-10-25 02:30', '2026-10-25 03:30'],
      ['2026-10-25T02:30:00', '2026-10-25T03:30:00'],
      ['2026-10-25 02:30:00.5', '2026-10-25 03:30:00.5'],
      ['10/25/2026 02:30:00', '10/25/2026 03:30:00'],
    ];
    const got = forms.map(([since, until]) => select('Europe/Paris', since, until));
    // 00:30Z (02:30 +02:00) to 02:30Z (03:30 +01:00): two hours, one record a minute
    expect(got[0]).toEqual({ counted: 120, firstEvent: '2026-10-25T02:30:00+02:00', lastEvent: '2026-10-25T03:29:00+01:00' });
    for (const g of got) expect(g).toEqual(got[0]);
  });

  it('America/New_York: the forms the issue found apart agree', () => {
    const got = ['2026-11-01 14:00:00', '2026-11-01T14:00', '2026-11-01 14:00:00.5', '11/01/2026 14:00:00'].map((since) =>
      select('America/New_York', since, '2026-11-01 15:00'),
    );
    expect(got[0]).toEqual({ counted: 60, firstEvent: '2026-11-01T14:00:00-05:00', lastEvent: '2026-11-01T14:59:00-05:00' });
    for (const g of got) expect(g).toEqual(got[0]);
  });
});
