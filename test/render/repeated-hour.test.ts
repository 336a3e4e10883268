/**
 * Times in the hour a zone shows twice (DST ends: 01:00-01:59 twice in New York on 2026-11-01)
 * carry the zone's offset wherever a person reads them: incidents (every format's table and
 * line), the live view of tail, check's input line and its last-record note. Elsewhere they do not.
 */
import { describe, expect, it } from 'vitest';
import { withLastRecord } from '../../src/app/report/check.js';
import { NO_PAINT } from '../../src/render/highlight.js';
import { clockRange, clockTime, incidentLine, INCIDENT_COLUMNS, type Clock } from '../../src/render/incident-view.js';
import { renderLiveView, type LiveData, type LiveStatus } from '../../src/render/live-view.js';
import { verdictContext } from '../../src/render/verdicts.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import type { Incident } from '../../src/verdict/incidents.js';
import type { VerdictSummary } from '../../src/verdict/plan.js';
import type { Verdict } from '../../src/verdict/types.js';

const NY = 'America/New_York';
const utc = (iso: string) => Date.parse(iso) / 1000;
/** 01:50 the first time (EDT, -04) and the second time (EST, -05). */
const FIRST = utc('2026-11-01T05:50:00Z');
const SECOND = utc('2026-11-01T06:50:00Z');
const day: Clock = { tz: NY, oneDay: true, dayEnd: utc('2026-11-02T05:00:00Z') };
const days: Clock = { tz: NY, oneDay: false, dayEnd: null };

function verdict(over: Partial<Verdict>): Verdict {
  return {
    level: 'CRIT',
    rule: 'deferral',
    metric: 'deferral',
    scope: { isp: 'gmail' },
    value: 0.0638,
    threshold: 0.05,
    warn: 0.03,
    crit: 0.05,
    count: 225,
    volume: 3529,
    limit: null,
    window: { start: FIRST, end: SECOND, seconds: 3600 },
    message: 'gmail deferral 6.38% (225 of 3,529) over the last 1h > 5%',
    ...over,
  };
}

describe('incident times in the repeated hour', () => {
  it('carry the offset, and only there', () => {
    expect(clockTime(FIRST, day)).toBe('01:50 -04');
    expect(clockTime(SECOND, day)).toBe('01:50 -05');
    expect(clockTime(utc('2026-11-01T07:50:00Z'), day)).toBe('02:50');
    expect(clockTime(SECOND, days)).toBe('11-01 01:50 -05');
    expect(clockTime(FIRST, { tz: 'UTC', oneDay: true, dayEnd: null })).toBe('05:50');
  });

  it('a range with an end in it is written with "to", never a "-" that reads as the offset', () => {
    expect(clockRange(FIRST, SECOND, day)).toBe('01:50 -04 to 01:50 -05');
    expect(clockRange(SECOND, utc('2026-11-01T10:05:00Z'), day)).toBe('01:50 -05 to 05:05');
    expect(clockRange(FIRST, SECOND, days)).toBe('11-01 01:50 -04 to 11-01 01:50 -05');
    expect(clockRange(utc('2026-11-01T07:50:00Z'), utc('2026-11-01T08:50:00Z'), day)).toBe('02:50-03:50');
    expect(clockRange(utc('2026-11-01T07:50:00Z'), utc('2026-11-01T08:50:00Z'), days)).toBe('11-01 02:50-03:50');
  });

  it('in the table every format shows and in the one-line message (JSON, HTML titles)', () => {
    const i: Incident = {
      rule: 'deferral',
      metric: 'deferral',
      scope: { isp: 'gmail' },
      level: 'CRIT',
      start: utc('2026-11-01T06:05:00Z'),
      end: utc('2026-11-01T10:05:00Z'),
      ongoing: false,
      peak: verdict({}),
      peakSpan: { start: FIRST, end: SECOND },
      windows: 48,
    };
    const cells = INCIDENT_COLUMNS.map((col) => col.cell(i, day));
    expect(cells).toEqual(['CRIT', 'deferral', 'gmail', '01:05 -05', '05:05', '4h', '6.38% (225 of 3,529)', '01:50 -04 to 01:50 -05']);
    expect(incidentLine(i, day)).toBe('gmail deferral 01:05 -05 to 05:05 (4h): peak 6.38% (225 of 3,529) over 01:50 -04 to 01:50 -05');
  });
});

describe("tail's live view in the repeated hour", () => {
  const status: LiveStatus = {
    live: '/var/log/pmta/acct.csv',
    rate: 0,
    lagBytes: 0,
    badRecords: 0,
    records: 1,
    files: 1,
    lastEvent: SECOND + 59,
    paused: false,
    gaps: 0,
    notices: [],
  };
  const total = { key: 'Total', cur: null, prev: null };
  it('shows the current and previous buckets and the last event with their offsets', () => {
    const data: LiveData = {
      mode: 'isp',
      available: true,
      bucketSize: '1h',
      tz: NY,
      current: SECOND - 3000,
      previous: FIRST - 3000,
      rows: [],
      total,
    };
    const text = renderLiveView(status, data, 200, 20, NO_PAINT);
    expect(text).toContain(
      '1h buckets: 2026-11-01 01:00 -05 (current) vs 2026-11-01 01:00 -04 (previous), events up to 2026-11-01 01:50 -05 America/New_York',
    );
  });
  it('and without them elsewhere', () => {
    const data: LiveData = {
      mode: 'isp',
      available: true,
      bucketSize: '1h',
      tz: NY,
      current: SECOND + 600,
      previous: SECOND - 3000,
      rows: [],
      total,
    };
    const text = renderLiveView({ ...status, lastEvent: SECOND + 660 }, data, 200, 20, NO_PAINT);
    expect(text).toContain(
      '1h buckets: 2026-11-01 02:00 (current) vs 2026-11-01 01:00 -05 (previous), events up to 2026-11-01 02:01 America/New_York',
    );
  });
});

describe("check's input line and last-record note in the repeated hour", () => {
  const silent = verdict({
    rule: 'silence',
    metric: 'silence',
    scope: {},
    value: 0,
    count: 0,
    volume: 0,
    message: 'no records at all for 30m',
  });
  const summary: VerdictSummary = { end: SECOND + 1800, status: 'CRIT', verdicts: [silent], rules: BUILT_IN, pmtaConfig: null };
  it('the last record says which 01:xx it was', () => {
    const noted = withLastRecord(summary, FIRST + 7, NY);
    expect(noted.verdicts[0].message).toBe('no records at all for 30m; last record 2026-11-01 01:50:07 -04 America/New_York, 1h30m ago');
    const utcNote = withLastRecord(summary, FIRST + 7, 'UTC');
    expect(utcNote.verdicts[0].message).toBe('no records at all for 30m; last record 2026-11-01 05:50:07 UTC, 1h30m ago');
  });
  it('the windows end says which 01:xx it was', () => {
    expect(verdictContext({ ...summary, end: SECOND }, NY)).toBe('windows ending 2026-11-01 01:50 -05 America/New_York, built-in rules');
    expect(verdictContext({ ...summary, end: FIRST + 1 }, NY)).toBe(
      'windows ending 2026-11-01 01:50:01 -04 America/New_York, built-in rules',
    );
    expect(verdictContext({ ...summary, end: FIRST + 1 }, 'UTC')).toBe('windows ending 2026-11-01 05:50:01 UTC, built-in rules');
  });
});
