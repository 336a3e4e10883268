/**
 * tail's alerting on an injected clock, in-process: what is judged when, without spawning the CLI.
 * The state holds 200 deliveries and 7 deferrals at Gmail between 11:00 and 11:50 (3.4% over the
 * hour, over the built-in 3% warning); the wall clock says 12:00.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TailAlerts } from '../../src/app/tail/alerts.js';
import { TailSession } from '../../src/app/tail/tail-session.js';
import { TailTicks } from '../../src/app/tail/ticks.js';
import { EMPTY_CONFIG } from '../../src/config/config-file.js';
import type { Payload } from '../../src/notify/payload.js';
import { BUILT_IN } from '../../src/verdict/defaults.js';
import { planVerdicts } from '../../src/verdict/plan.js';
import { SteppedClock } from '../helpers/clock.js';
import { scratchDirs } from '../helpers/session.js';

const dirs = scratchDirs('pmta-alerts-clock-');

function liveFile(dir: string): string {
  const at = (minute: number) => `2026-11-28 11:${String(minute).padStart(2, '0')}:00+0000`;
  const rows = ['type,timeLogged,rcpt,dlvSourceIp'];
  for (let i = 0; i < 200; i++) rows.push(`d,${at(i % 50)},a@gmail.com,203.0.113.5`);
  for (let i = 0; i < 7; i++) rows.push(`t,${at(40 + i)},a@gmail.com,203.0.113.5`);
  const live = join(dir, 'acct.csv');
  writeFileSync(live, `${rows.join('\n')}\n`);
  return live;
}

async function setUp(
  once: boolean,
): Promise<{ session: TailSession; ticks: TailTicks; alerts: TailAlerts; clock: SteppedClock; notices: string[]; sent: Payload[] }> {
  const dir = dirs();
  const live = liveFile(dir);
  const clock = new SteppedClock();
  const notices: string[] = [];
  const sent: Payload[] = [];
  const alerts = new TailAlerts({
    plan: planVerdicts(BUILT_IN, null, null),
    once,
    link: 'https://example.com/day',
    enabled: true,
    clock,
    notifier: { send: (p) => sent.push(p) },
    notice: (m) => notices.push(m),
  });
  const ticks = new TailTicks({ clock, alerts, write: () => undefined });
  const session = await TailSession.open(
    {
      stateDir: join(dir, 'state'),
      create: { dims: ['isp', 'ip', 'vmta', 'pool'], bucket: '5m', tz: 'UTC', live: resolve(live), since: null },
      explicit: new Set(),
      rotatedDirs: [],
      from: 'beginning',
      once: true,
      retain: { all: null, byGrain: new Map([['5m', 3650 * 86400]]) },
      commitInterval: 1000,
      commitRows: 10_000,
      rotateWait: 0,
      scanInterval: 0,
      config: EMPTY_CONFIG,
      hardCategories: null,
      chunkSize: 4096,
      clock,
    },
    { notice: (m) => notices.push(m), gap: () => undefined, committed: (delta, touched) => ticks.committed(delta, touched) },
  );
  await session.run(0);
  return { session, ticks, alerts, clock, notices, sent };
}

describe('tail alerts on an injected clock', () => {
  it("a catch-up (--once) judges at the data's time and ends one second after the latest event", async () => {
    const { session, ticks, notices, sent } = await setUp(true);
    try {
      ticks.finish(session, true);
    } finally {
      session.close();
    }
    const warned = notices.filter((n) => n.startsWith('OK -> WARN: gmail deferral'));
    expect(warned).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      event: 'verdict-change',
      previous: 'OK',
      level: 'WARN',
      link: 'https://example.com/day',
      time: '2026-11-28T11:49:01Z',
    });
  });

  it('live, verdicts are judged at now, again only after a commit or a minute of elapsed time (not of wall time)', async () => {
    const { session, alerts, clock, notices } = await setUp(false);
    try {
      alerts.judgeNow(session);
      expect(notices.filter((n) => n.startsWith('OK -> WARN: gmail deferral'))).toHaveLength(1);
      // The wall clock jumps two hours (an NTP step): the throttle runs on elapsed time, nothing is judged.
      clock.step(2 * 3600_000);
      alerts.judgeNow(session);
      expect(notices.some((n) => n.startsWith('WARN -> OK'))).toBe(false);
      // A minute passes: judged at the new now, the hour of deferrals is out of the window.
      clock.advance(60_000);
      alerts.judgeNow(session);
      expect(notices.filter((n) => n.startsWith('WARN -> OK'))).toHaveLength(1);
    } finally {
      session.close();
    }
  });
});
