import { describe, expect, it } from 'vitest';
import { parseDuration, parseInstant, parseRange } from '../../src/parse/time-range.js';

const NOW = Date.UTC(2026, 10, 29, 10, 30, 0) / 1000; // Sunday 29 Nov 2026 10:30 UTC

describe('time range words and values', () => {
  it('reads words relative to now, in the zone', () => {
    expect(parseInstant('now', 'UTC', NOW)).toBe(NOW);
    expect(parseInstant('today', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 29) / 1000);
    expect(parseInstant('yesterday', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 28) / 1000);
    expect(parseInstant('yesterday', 'America/New_York', NOW)).toBe(Date.UTC(2026, 10, 28, 5) / 1000);
    expect(parseInstant('24h', 'UTC', NOW)).toBe(NOW - 86400);
    expect(parseInstant('7d', 'UTC', NOW)).toBe(NOW - 7 * 86400);
    expect(parseDuration('90m')).toBe(5400);
  });

  it('reads dates and local times in the zone, and full timestamps as written', () => {
    expect(parseInstant('2026-11-28', 'Europe/Paris', NOW)).toBe(Date.UTC(2026, 10, 27, 23) / 1000);
    expect(parseInstant('2026-11-28 14:00', 'UTC', NOW)).toBe(Date.UTC(2026, 10, 28, 14) / 1000);
    expect(parseInstant('2026-11-28 14:00:00-0500', 'Europe/Paris', NOW)).toBe(Date.UTC(2026, 10, 28, 19) / 1000);
    expect(parseInstant('2026-03-08 02:30', 'America/New_York', NOW)).toBe(Date.UTC(2026, 2, 8, 7, 30) / 1000);
  });

  it('rejects what is not a time, and an empty range', () => {
    expect(() => parseInstant('last tuesday', 'UTC', NOW)).toThrow(/is not a time/);
    expect(() => parseRange('today', 'yesterday', 'UTC', NOW)).toThrow(/must be before/);
    expect(parseRange(undefined, '24h', 'UTC', NOW)).toEqual({ since: null, until: NOW - 86400 });
  });
});

/**
 * Every accepted way of writing one wall-clock time, in the zones the issue names: repeated times
 * (a DST change back) are their earlier instance, skipped ones move forward by the gap, and the
 * form never changes the instant.
 */
describe('user times in every zone and every form', () => {
  const forms = (date: string, hm: string) => {
    const [y, mo, d] = date.split('-');
    return [
      `${date} ${hm}:00`,
      `${date}T${hm}`,
      `${date} ${hm}`,
      `${date}t${hm}:00`,
      `${date} ${hm}:00.5`,
      `${date}T${hm}:00.250`,
      `${mo}/${d}/${y} ${hm}:00`,
      `${mo}/${d}/${y}T${hm}`,
    ];
  };
  const cases: [zone: string, date: string, hm: string, utc: string, what: string][] = [
    ['Europe/Paris', '2026-10-25', '02:30', '2026-10-25T00:30:00Z', 'repeated: the earlier, at +02:00'],
    ['Europe/Paris', '2026-03-29', '02:30', '2026-03-29T01:30:00Z', 'skipped: moved forward by the gap (03:30 +02:00)'],
    ['Australia/Sydney', '2026-04-05', '02:30', '2026-04-04T15:30:00Z', 'repeated: the earlier, at +11:00'],
    ['Australia/Sydney', '2026-10-04', '02:30', '2026-10-03T16:30:00Z', 'skipped'],
    ['Pacific/Chatham', '2026-04-05', '03:00', '2026-04-04T13:15:00Z', 'repeated: the earlier, at +13:45'],
    ['Pacific/Chatham', '2026-09-27', '03:00', '2026-09-26T14:15:00Z', 'skipped (02:45 to 03:45)'],
    ['America/St_Johns', '2026-11-01', '01:30', '2026-11-01T04:00:00Z', 'repeated: the earlier, at -02:30'],
    ['America/St_Johns', '2026-03-08', '02:30', '2026-03-08T06:00:00Z', 'skipped'],
    ['Pacific/Kiritimati', '2026-11-28', '00:30', '2026-11-27T10:30:00Z', '+14:00, a day ahead of UTC'],
    ['America/Santiago', '2026-04-04', '23:30', '2026-04-05T02:30:00Z', 'repeated before midnight: the earlier, at -03:00'],
    ['America/Santiago', '2026-09-06', '00:30', '2026-09-06T04:30:00Z', 'midnight skipped: 01:30 -03:00'],
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00Z', 'repeated: the earlier, at -04:00'],
  ];

  for (const [zone, date, hm, utc, what] of cases) {
    it(`${zone} ${date} ${hm}: ${what}`, () => {
      const want = Date.parse(utc) / 1000;
      for (const text of forms(date, hm)) expect([text, parseInstant(text, zone, NOW)]).toEqual([text, want]);
      // written with an offset, a time is that instant whatever --tz says
      expect(parseInstant(utc, 'Pacific/Chatham', NOW)).toBe(want);
      expect(parseInstant(String(want), zone, NOW)).toBe(want);
    });
  }

  it('reads a date alone as the first instant of that day, even when midnight is skipped', () => {
    expect(parseInstant('2026-09-06', 'America/Santiago', NOW)).toBe(Date.UTC(2026, 8, 6, 4) / 1000);
    expect(parseInstant('09/06/2026', 'America/Santiago', NOW)).toBe(Date.UTC(2026, 8, 6, 4) / 1000);
    expect(parseInstant('2026-11-28', 'Pacific/Kiritimati', NOW)).toBe(Date.UTC(2026, 10, 27, 10) / 1000);
    const sept7 = Date.UTC(2026, 8, 7, 12) / 1000;
    expect(parseInstant('yesterday', 'America/Santiago', sept7)).toBe(Date.UTC(2026, 8, 6, 4) / 1000);
  });

  it('refuses what only looks like a time', () => {
    for (const text of [
      '2026-02-30',
      '2026-11-28 24:00',
      '2026-11-28 14:60',
      '2026-11-28+01:00',
      '11/28/26 14:00',
      '2026-11-28 14',
      '2026-11-28 14:00:00 +0100',
    ]) {
      expect(() => parseInstant(text, 'Europe/Paris', NOW), text).toThrow(/is not a time/);
    }
  });
});
