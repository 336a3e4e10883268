import { describe, expect, it } from 'vitest';
import { BAR_CHARS, textSparkline } from '../../src/render/text-chart.js';
import { runCli } from '../helpers/cli.js';

describe('text charts', () => {
  it('sparkline scales to the largest value', () => {
    expect(textSparkline([0, 1, 2, 4, 8])).toBe('▁▁▂▄█');
    expect(textSparkline([0, 0])).toBe('▁▁');
  });

  it('the table report draws one bar per hour, its length and parts proportional to attempts, delivered, deferred and bounced', () => {
    const r = runCli(['report', 'samples/', '--format', 'table', '--exit-zero', '--by', 'isp']);
    const json = JSON.parse(runCli(['report', 'samples/', '--format', 'json', '--exit-zero', '--by', 'isp', '--bucket', '1h']).stdout) as {
      groups: { bucket: string; delivered: number; deferred: number; bounced: number }[];
    };
    const perHour = new Map<string, { d: number; t: number; b: number }>();
    for (const g of json.groups) {
      const h = perHour.get(g.bucket) ?? { d: 0, t: 0, b: 0 };
      h.d += g.delivered;
      h.t += g.deferred;
      h.b += g.bounced;
      perHour.set(g.bucket, h);
    }
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Attempts per 1h (UTC)'));
    expect(at).toBeGreaterThan(0);
    const bars = lines.slice(at + 1).filter((l) => /^\d\d-\d\d \d\d:\d\d {2}/.test(l));
    expect(bars).toHaveLength(perHour.size);
    const max = Math.max(...[...perHour.values()].map((h) => h.d + h.t + h.b));
    for (const [bucket, h] of perHour) {
      const label = `${bucket.slice(5, 10)} ${bucket.slice(11, 16)}`;
      const line = bars.find((l) => l.startsWith(label));
      expect(line, label).toBeDefined();
      const bar = (line ?? '').slice(label.length + 2, label.length + 2 + 40);
      const count = (c: string) => [...bar].filter((x) => x === c).length;
      const total = h.d + h.t + h.b;
      expect(count(BAR_CHARS.delivered) + count(BAR_CHARS.deferred) + count(BAR_CHARS.bounced)).toBe(
        Math.max(1, Math.round((total / max) * 40)),
      );
      expect(count(BAR_CHARS.delivered)).toBe(Math.round((h.d / max) * 40));
      expect(line).toContain(` ${total.toLocaleString('en-US')}  deferral`);
    }
  });
});
