import { describe, expect, it } from 'vitest';
import { latencyBar, lineChart, niceScale, sparkline, stackedBars } from '../../src/render/html/svg.js';

describe('niceScale', () => {
  it('picks a round step and the first multiple of it at or above the data', () => {
    expect(niceScale(510)).toEqual({ max: 600, step: 200 });
    expect(niceScale(0.15)).toEqual({ max: 0.15, step: 0.05 });
    expect(niceScale(1000)).toEqual({ max: 1000, step: 250 });
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.25 });
  });
});

const opts = { title: 'T <b>', labels: ['00:00', '01:00', '02:00'], format: (v: number) => String(v) };

describe('charts', () => {
  it('stack one rect per non-zero value, with exact numbers in hover titles', () => {
    const svg = stackedBars(
      [
        { name: 'delivered', cls: 'c-delivered', values: [10, 0, 5] },
        { name: 'bounced', cls: 'c-bounced', values: [2, 1, 0] },
      ],
      opts,
    );
    expect(svg.match(/<rect class="c-delivered"/g)).toHaveLength(2);
    expect(svg.match(/<rect class="c-bounced"/g)).toHaveLength(2);
    expect(svg).toContain('<title>01:00 bounced: 1</title>');
    expect(svg).toContain('aria-label="T &lt;b&gt;"');
    expect(svg).not.toContain('style=');
  });

  it('break a line where a value is unknown', () => {
    const svg = lineChart([{ name: 'gmail', cls: 'c-line0', values: [0.1, null, 0.2] }], { ...opts, rule: { value: 0.03, label: '3%' } });
    const d = /<path class="line c-line0" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toContain('L');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('class="rule"');
  });

  it('sparklines and latency bars are word-sized and escape their labels', () => {
    expect(sparkline([1, 5, 2], '"x"')).toMatch(
      /^<svg class="spark" viewBox="0 0 100 24" width="100" height="24" role="img" aria-label="&quot;x&quot;"/,
    );
    expect(sparkline([0, 0], 'flat')).toContain('<path d="M1 23L1 23L99 23L99 23Z"/>');
    const bar = latencyBar(3, 5, 19456, 19456, 'all');
    expect(bar.match(/<rect/g)).toHaveLength(3);
    expect(latencyBar(null, null, null, 10, 'none')).not.toContain('<rect');
  });
});
