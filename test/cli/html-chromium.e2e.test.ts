import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { decodePng } from '../helpers/png.js';

/**
 * The HTML report as a person sees it: rendered by headless Chromium (Debian's, see .ci/run).
 * PMTA_ACCT_SCREENSHOT=docs/report.png also writes the sample day's screenshot for the README.
 */
const dir = mkdtempSync(join(tmpdir(), 'pmta-acct-html-'));
let browser: Browser;

beforeAll(async () => {
  browser = await Browser.launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function render(args: string[], file: string): string {
  const r = runCli(['report', '--format', 'html', '-o', file, ...args]);
  // 1 and 2 are verdicts (WARNING, CRITICAL); 3 is a failure.
  if (r.code < 0 || r.code > 2) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return file;
}

describe('the sample day in Chromium', () => {
  it('renders every section with its charts, styled, without errors or horizontal overflow', async () => {
    const file = render(
      [
        'samples/',
        '--tz',
        'America/New_York',
        '--since',
        '2026-11-28',
        '--until',
        '2026-11-29',
        '--compare',
        '7d',
        '--history',
        'samples/history',
      ],
      join(dir, 'sample.html'),
    );
    expect(readFileSync(file, 'utf8')).toContain('Changes are against the median of the 7 previous days (2026-11-21 to 2026-11-27)');
    const page = await browser.open(file, 1280, 900);
    expect(page.log.filter((e) => e.level === 'error' || e.level === 'warning')).toEqual([]);
    // The stylesheet applies: the CSP's hash matches it.
    expect(await page.evaluate<string>('getComputedStyle(document.body).maxWidth')).toBe('1240px');
    expect(await page.evaluate<string>('document.querySelector("main h2").id')).toBe('verdicts');
    expect(await page.evaluate<string[]>('[...document.querySelectorAll("main h2")].map((h) => h.id)')).toEqual([
      'verdicts',
      'incidents',
      'totals',
      'volume',
      'rates',
      'isps',
      'ips',
      'by',
      'reasons',
      'latency',
    ]);
    // The incidents on the time axis: one bar each, inside the chart, amber for WARN and red for CRIT.
    const bars = await page.evaluate<
      { level: string; fill: string; x: number; w: number; svgX: number; svgW: number }[]
    >(`[...document.querySelectorAll('svg.spans rect')].map((r) => {
      const b = r.getBoundingClientRect();
      const s = r.ownerSVGElement.getBoundingClientRect();
      return { level: r.getAttribute('class'), fill: getComputedStyle(r).fill, x: b.x, w: b.width, svgX: s.x, svgW: s.width };
    })`);
    const rows = await page.evaluate<number>(`(() => {
      let e = document.getElementById('incidents').nextElementSibling;
      while (e !== null && !e.classList.contains('scroll')) e = e.nextElementSibling;
      return e.querySelectorAll('tbody tr').length;
    })()`);
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.length).toBe(Math.min(rows, 40));
    for (const b of bars) {
      expect(b.w).toBeGreaterThan(1);
      expect(b.x).toBeGreaterThanOrEqual(b.svgX);
      expect(b.x + b.w).toBeLessThanOrEqual(b.svgX + b.svgW + 0.5);
    }
    const fills = new Map(bars.map((b) => [b.level, b.fill]));
    expect(fills.get('span-CRIT')).toBe('rgb(192, 38, 45)');
    expect(fills.get('span-WARN')).toBe('rgb(168, 101, 0)');
    const charts = await page.evaluate<
      { cls: string; w: number; h: number; marks: number }[]
    >(`[...document.querySelectorAll('svg.chart')].map((s) => {
      const r = s.getBoundingClientRect();
      return { cls: s.getAttribute('class'), w: r.width, h: r.height, marks: s.querySelectorAll('rect[class^="c-"], path.line').length };
    })`);
    expect(charts.map((c) => c.cls)).toEqual(['chart spans', 'chart bars', 'chart lines', 'chart lines']);
    charts.shift();
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(400);
      expect(c.h).toBeGreaterThan(120);
    }
    expect(charts[0].marks).toBeGreaterThanOrEqual(24 * 2);
    expect(charts[1].marks).toBe(5);
    const lines = await page.evaluate<number[]>('[...document.querySelectorAll("path.line")].map((p) => p.getTotalLength())');
    expect(lines.filter((n) => n > 200).length).toBeGreaterThanOrEqual(3);
    const sparks = await page.evaluate<number[]>('[...document.querySelectorAll("svg.spark")].map((s) => s.getBoundingClientRect().width)');
    expect(sparks.length).toBe(30);
    expect(sparks.every((w) => w === 100)).toBe(true);
    // Nothing wider than the window, and at desktop width no table even needs its own scrollbar.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    expect(
      await page.evaluate<string[]>(`[...document.querySelectorAll('.scroll, main > *, .card, ul.verdicts li')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.outerHTML.slice(0, 80))`),
    ).toEqual([]);

    const shot = await page.screenshot();
    const img = decodePng(shot);
    expect(img.width).toBe(1280);
    expect(img.height).toBe(await page.evaluate<number>('document.documentElement.scrollHeight'));
    const colours = new Map<number, number>();
    for (let y = 0; y < img.height; y += 3)
      for (let x = 0; x < img.width; x += 3) colours.set(img.pixel(x, y), (colours.get(img.pixel(x, y)) ?? 0) + 1);
    const sampled = [...colours.values()].reduce((a, b) => a + b, 0);
    expect(colours.size).toBeGreaterThan(50);
    expect(Math.max(...colours.values()) / sampled).toBeLessThan(0.9);
    for (const c of [0x3a9a5b, 0xe6a23c, 0xd64545]) expect(colours.has(c), `chart colour #${c.toString(16)}`).toBe(true);
    // The README shows the top of the page: verdicts, totals, charts and the per-ISP table.
    if (process.env.PMTA_ACCT_SCREENSHOT) writeFileSync(process.env.PMTA_ACCT_SCREENSHOT, await page.screenshot(0, 2300));
  }, 60_000);

  it('does not overflow on a phone-sized window either (wide tables scroll in their box)', async () => {
    const page = await browser.open(join(dir, 'sample.html'), 400, 800);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
  }, 60_000);
});

/** Payloads that would run, load or inject something if any field were written unescaped. */
const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=2">',
  "'><svg onload=window.__pwned=3>",
  '</title></style></svg></table><script>window.__pwned=4</script>',
  '<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>',
];
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

function hostileCsv(): string {
  const head = 'type,timeLogged,timeQueued,rcpt,dsnDiag,dsnMta,bounceCat,dlvSourceIp,vmta,vmtaPool,jobId,queue';
  const rows: string[] = [];
  PAYLOADS.forEach((p, i) => {
    for (const type of ['d', 'b', 't']) {
      const time = `2026-11-28 1${i}:00:0${type === 'd' ? 1 : type === 'b' ? 2 : 3}+0000`;
      rows.push([type, time, '2026-11-28 09:00:00+0000', q(`x@${p}`), q(p), q(p), q(p), q(p), q(p), q(p), q(p), q(`${p}/vm`)].join(','));
    }
    rows.push([q(p), '2026-11-28 12:00:00+0000', '', 'y@gmail.com', '', '', '', '', '', '', '', ''].join(','));
    rows.push(['d', q(p), '', 'y@gmail.com', '', '', '', '', '', '', '', ''].join(','));
  });
  return `${head}\n${rows.join('\n')}\n`;
}

describe('hostile text in Chromium', () => {
  it('every field, and the file name, comes out as text: no element injected, no script run', async () => {
    const input = join(dir, `acct${PAYLOADS[1].replaceAll('/', '')}.csv`);
    writeFileSync(input, hostileCsv());
    const html = render([input, '--by', 'isp,ip,vmta,pool,job,domain,bounceCat,type'], join(dir, 'hostile.html'));
    const text = readFileSync(html, 'utf8');
    // Without the CSP too: escaping alone must hold.
    const bare = join(dir, 'hostile-no-csp.html');
    writeFileSync(bare, text.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
    expect(readFileSync(bare, 'utf8')).not.toContain('Content-Security-Policy');
    for (const file of [html, bare]) {
      const page = await browser.open(file);
      expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
      expect(
        await page.evaluate<number>(
          'document.querySelectorAll("script, img, iframe, object, embed, link, base, form, input, meta[http-equiv=refresh]").length',
        ),
      ).toBe(0);
      expect(await page.evaluate<number>('document.querySelectorAll("style").length')).toBe(1);
      expect(
        await page.evaluate<string[]>(
          '[...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith("on"))',
        ),
      ).toEqual([]);
      expect(await page.evaluate<string>('document.title')).toBe('PowerMTA accounting report');
      const body = await page.evaluate<string>('document.body.textContent');
      for (const p of PAYLOADS) expect(body).toContain(p);
      expect(page.log.filter((e) => e.level === 'error')).toEqual([]);
    }
  }, 60_000);
});
