import { describe, expect, it } from 'vitest';
import { earlierPeriods, localDays, periodOf, reportPeriod } from '../../src/history/history.js';
import { addLocalDays, localDate } from '../../src/util/zone.js';
import { bucketFitsDays, bucketForDays } from '../../src/history/summary-dir.js';

const NY = 'America/New_York';
// 2026-11-01 is the end of DST in New York: that local day has 25 hours.
const nov1 = Date.UTC(2026, 10, 1, 4) / 1000;
const nov2 = Date.UTC(2026, 10, 2, 5) / 1000;

describe('local days', () => {
  it('step over a DST change by local midnight, not by 86,400 s', () => {
    expect(addLocalDays(nov1, 1, NY)).toBe(nov2);
    expect(addLocalDays(nov2, -1, NY)).toBe(nov1);
    expect(nov2 - nov1).toBe(25 * 3600);
    expect(localDays(nov1, addLocalDays(nov1, 3, NY), NY).map((d) => localDate(d, NY))).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it('a period of whole local days knows how many; another does not', () => {
    expect(periodOf(nov1, addLocalDays(nov1, 2, NY), NY).days).toBe(2);
    expect(periodOf(nov1, nov1 + 3600, NY).days).toBeNull();
  });

  it('earlier periods: the previous one, or the 7 before, latest first', () => {
    const p = periodOf(nov2, addLocalDays(nov2, 1, NY), NY);
    expect(earlierPeriods(p, 'previous', NY)).toEqual([{ since: nov1, until: nov2, days: 1 }]);
    const week = earlierPeriods(p, '7d', NY);
    expect(week.map((q) => localDate(q.since, NY))).toEqual([
      '2026-11-01',
      '2026-10-31',
      '2026-10-30',
      '2026-10-29',
      '2026-10-28',
      '2026-10-27',
      '2026-10-26',
    ]);
    expect(week[0].until - week[0].since).toBe(25 * 3600);
    expect(week[1].until - week[1].since).toBe(24 * 3600);
    const hours = earlierPeriods(periodOf(nov1 + 7200, nov1 + 10800, NY), 'previous', NY);
    expect(hours).toEqual([{ since: nov1 + 3600, until: nov1 + 7200, days: null }]);
  });

  it('a report without --since/--until covers the local days of its events', () => {
    const p = reportPeriod(null, null, nov1 + 100, nov1 + 30 * 3600, NY);
    expect(p).toEqual({ since: nov1, until: addLocalDays(nov1, 2, NY), days: 2 });
    expect(reportPeriod(null, null, null, null, NY)).toBeNull();
  });

  it('buckets that cut at local midnight: 1h in whole-hour zones, 15m in Asia/Kolkata', () => {
    expect(bucketForDays(nov1, nov2, NY)).toBe('1h');
    const k = Date.UTC(2026, 10, 27, 18, 30) / 1000;
    expect(bucketForDays(k, k + 86400, 'Asia/Kolkata')).toBe('15m');
    expect(bucketFitsDays('1h', k, k + 86400, 'Asia/Kolkata')).toBe(false);
    expect(bucketFitsDays('5m', k, k + 86400, 'Asia/Kolkata')).toBe(true);
    expect(bucketForDays(Date.UTC(2026, 10, 27, 18, 15) / 1000, Date.UTC(2026, 10, 28, 18, 15) / 1000, 'Asia/Kathmandu')).toBe('15m');
  });
});
