import { once } from 'node:events';
import { hostname } from 'node:os';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/notifier.js';
import { changePayload, type Payload } from '../../src/notify/payload.js';
import { backoffDelay } from '../../src/notify/retry.js';
import type { LevelChange } from '../../src/verdict/tracker.js';
import type { Verdict } from '../../src/verdict/types.js';

// Retries in milliseconds so that the tests do not wait; nothing below asserts on timing.
const FAST = { attempts: 4, backoffMs: 5, maxBackoffMs: 20 };

function change(isp: string, level: Verdict['level'] = 'WARN', message = `${isp} deferral 4.2% over the last 1h > 3%`): LevelChange {
  return {
    previous: 'OK',
    verdict: {
      level,
      rule: 'deferral',
      metric: 'deferral',
      scope: { isp },
      value: 0.042,
      threshold: 0.03,
      warn: 0.03,
      crit: 0.05,
      count: 42,
      volume: 1000,
      limit: null,
      window: { start: 1_795_000_000, end: 1_795_003_600, seconds: 3600 },
      message,
    },
  };
}

const payload = (isp: string, level: Verdict['level'] = 'WARN', message?: string) =>
  changePayload(change(isp, level, message), 'UTC', 1_795_003_600);

interface Hit {
  readonly body: Payload;
  readonly headers: IncomingMessage['headers'];
}

/** A local HTTP server answering with the statuses given, in turn (the last one again and again). */
async function server(statuses: (number | [number, Record<string, string>])[]): Promise<{ url: string; hits: Hit[]; srv: Server }> {
  const hits: Hit[] = [];
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (s: string) => {
      text += s;
    });
    req.on('end', () => {
      hits.push({ body: JSON.parse(text) as Payload, headers: req.headers });
      const s = statuses[Math.min(hits.length - 1, statuses.length - 1)];
      const [status, headers] = Array.isArray(s) ? s : [s, {}];
      res.writeHead(status, headers).end('answer');
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/alerts`, hits, srv };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('webhook', () => {
  it('POSTs the change as JSON', async () => {
    const s = await server([204]);
    servers.push(s.srv);
    const n = new Notifier({ webhook: s.url, retry: FAST, userAgent: 'pmta-acct/test' });
    n.send(payload('gmail'));
    await n.drain();
    expect(s.hits).toHaveLength(1);
    expect(s.hits[0].headers['content-type']).toBe('application/json');
    expect(s.hits[0].headers['user-agent']).toBe('pmta-acct/test');
    expect(s.hits[0].body).toEqual({
      version: 1,
      event: 'verdict-change',
      time: '2026-11-18T12:06:40Z',
      previous: 'OK',
      level: 'WARN',
      verdict: {
        level: 'WARN',
        rule: 'deferral',
        metric: 'deferral',
        scope: { isp: 'gmail' },
        value: 0.042,
        threshold: 0.03,
        warn: 0.03,
        crit: 0.05,
        count: 42,
        volume: 1000,
        limit: null,
        window: { start: '2026-11-18T11:06:40Z', end: '2026-11-18T12:06:40Z', seconds: 3600 },
        message: 'gmail deferral 4.2% over the last 1h > 3%',
      },
    });
    expect(n.counts).toEqual({ delivered: 1, failed: 0, dropped: 0 });
  });

  it('POSTs Slack and Teams incoming-webhook messages with the level, the message and the link back', async () => {
    const s = await server([200]);
    servers.push(s.srv);
    const link = 'https://grafana.example/d/pmta';
    const crit = changePayload(
      change('gmail', 'CRIT', 'gmail deferral 6.1% (61 of 1,000) over the last 1h > 5% <@here> & co'),
      'UTC',
      1_795_003_600,
      link,
    );
    for (const webhookFormat of ['slack', 'teams'] as const) {
      const n = new Notifier({ webhook: s.url, webhookFormat, retry: FAST });
      n.send(crit);
      await n.drain();
    }
    const [slack, teams] = s.hits.map((h) => h.body as unknown as Record<string, unknown>);
    expect(slack).toMatchObject({
      text: 'CRIT gmail deferral 6.1% (61 of 1,000) over the last 1h &gt; 5% &lt;@here&gt; &amp; co',
      attachments: [
        {
          color: '#c0262d',
          title: 'CRIT: deferral (isp=gmail)',
          title_link: link,
          text: 'gmail deferral 6.1% (61 of 1,000) over the last 1h &gt; 5% &lt;@here&gt; &amp; co',
          fields: [
            { title: 'Level', value: 'OK → CRIT', short: true },
            { title: 'Scope', value: 'isp=gmail', short: true },
            { title: 'Rule', value: 'deferral', short: true },
            { title: 'Window end', value: '2026-11-18T12:06:40Z', short: true },
          ],
        },
      ],
    });
    expect(teams).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'CRIT: deferral (isp=gmail)', color: 'Attention' },
              { type: 'TextBlock', text: 'gmail deferral 6.1% (61 of 1,000) over the last 1h > 5% <@here> & co' },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Level', value: 'OK → CRIT' },
                  { title: 'Scope', value: 'isp=gmail' },
                  { title: 'Rule', value: 'deferral' },
                  { title: 'Window end', value: '2026-11-18T12:06:40Z' },
                  { title: 'Host', value: hostname() },
                ],
              },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }],
          },
        },
      ],
    });
    // back to OK is green in both; without a link there is no button
    const ok = changePayload({ previous: 'CRIT', verdict: { ...change('gmail').verdict, level: 'OK' } }, 'UTC', 1_795_003_600);
    const { webhookBody } = await import('../../src/notify/formats.js');
    expect(JSON.parse(webhookBody('slack', ok, null, 'mta1'))).toMatchObject({
      attachments: [{ color: '#1b7f3b', title: 'back to OK: deferral (isp=gmail)', footer: 'pmta-acct on mta1' }],
    });
    expect(JSON.parse(webhookBody('slack', ok, null, 'mta1')).attachments[0].title_link).toBeUndefined();
    const card = JSON.parse(webhookBody('teams', ok, null, 'mta1')) as { attachments: { content: Record<string, unknown> }[] };
    expect(card.attachments[0].content.actions).toBeUndefined();
    expect(JSON.parse(webhookBody('json', crit, null))).toEqual({ ...crit });
    expect(crit.link).toBe(link);
  });

  it('retries 5xx and 429 (honouring Retry-After) until delivered, in order', async () => {
    const s = await server([503, [429, { 'retry-after': '0' }], 200]);
    servers.push(s.srv);
    const n = new Notifier({ webhook: s.url, retry: FAST });
    n.send(payload('gmail'));
    n.send(payload('yahoo'));
    await n.drain();
    expect(s.hits.map((h) => (h.body.verdict as { scope: { isp: string } }).scope.isp)).toEqual(['gmail', 'gmail', 'gmail', 'yahoo']);
    expect(n.counts).toEqual({ delivered: 2, failed: 0, dropped: 0 });
  });

  it('does not retry a 4xx that would get the same answer', async () => {
    const s = await server([400]);
    servers.push(s.srv);
    const errors: string[] = [];
    const n = new Notifier({ webhook: s.url, retry: FAST, onError: (m) => errors.push(m) });
    n.send(payload('gmail'));
    await n.drain();
    expect(s.hits).toHaveLength(1);
    expect(errors).toEqual(['--webhook: alert not delivered after 1 try (HTTP 400): gmail deferral 4.2% over the last 1h > 3%']);
  });

  it('gives up after the last try when nobody listens, and says so', async () => {
    const s = await server([200]);
    const url = s.url;
    s.srv.close();
    await once(s.srv, 'close');
    const errors: string[] = [];
    const n = new Notifier({ webhook: url, retry: FAST, onError: (m) => errors.push(m) });
    n.send(payload('gmail'));
    await n.drain();
    expect(n.counts).toEqual({ delivered: 0, failed: 1, dropped: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^--webhook: alert not delivered after 4 tries \(fetch failed: .*ECONNREFUSED/);
  });

  it('drops the oldest alert when the queue is full, and counts it', async () => {
    const s = await server([200]);
    servers.push(s.srv);
    const errors: string[] = [];
    const n = new Notifier({ webhook: s.url, retry: FAST, maxQueue: 2, onError: (m) => errors.push(m) });
    for (const isp of ['a', 'b', 'c', 'd']) n.send(payload(isp));
    await n.drain();
    // 'a' went out at once; 'b' was dropped when 'd' came
    expect(s.hits.map((h) => (h.body.verdict as { scope: { isp: string } }).scope.isp)).toEqual(['a', 'c', 'd']);
    expect(n.counts.dropped).toBe(1);
    expect(errors).toEqual(['--webhook: 2 alerts waiting; the oldest was dropped']);
  });

  it('refuses a URL that is not http or https', () => {
    expect(() => new Notifier({ webhook: 'ftp://example.com/x' })).toThrow(
      /--webhook: 'ftp:\/\/example.com\/x' is not an http or https URL/,
    );
    expect(() => new Notifier({ webhook: 'not a url' })).toThrow(/--webhook: 'not a url' is not a URL/);
  });
});

describe('command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-notify-'));

  it('runs the command with the JSON on stdin and the fields in its environment', async () => {
    const out = join(dir, 'out');
    const n = new Notifier({
      command: `cat > '${out}.json'; printf '%s|%s|%s|%s|%s' "$PMTA_ACCT_LEVEL" "$PMTA_ACCT_PREVIOUS" "$PMTA_ACCT_RULE" "$PMTA_ACCT_SCOPE" "$PMTA_ACCT_MESSAGE" > '${out}.env'`,
      retry: FAST,
    });
    // A hostile value from the logs reaches the command as data, never as shell code.
    n.send(payload('gmail', 'CRIT', 'vmta $(touch pwned) `id` ; rm -rf x'));
    await n.drain();
    expect(n.counts.delivered).toBe(1);
    expect((JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Payload).level).toBe('CRIT');
    expect(readFileSync(`${out}.env`, 'utf8')).toBe('CRIT|OK|deferral|isp=gmail|vmta $(touch pwned) `id` ; rm -rf x');
  });

  it('retries a failing command and reports its last error line', async () => {
    const count = join(dir, 'count');
    const errors: string[] = [];
    const n = new Notifier({
      command: `echo x >> '${count}'; echo 'mail server down' >&2; exit 7`,
      retry: FAST,
      onError: (m) => errors.push(m),
    });
    n.send(payload('gmail'));
    await n.drain();
    expect(
      readFileSync(count, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(4);
    expect(errors).toEqual([
      '--on-change: alert not delivered after 4 tries (exit status 7: mail server down): gmail deferral 4.2% over the last 1h > 3%',
    ]);
  });

  it('stops a command that runs past the timeout', async () => {
    const errors: string[] = [];
    const n = new Notifier({ command: 'sleep 30', retry: { ...FAST, attempts: 1 }, timeoutMs: 50, onError: (m) => errors.push(m) });
    n.send(payload('gmail'));
    await n.drain();
    expect(errors[0]).toMatch(/^--on-change: alert not delivered after 1 try \(timed out after 50 ms\)/);
  });

  it('delivers to both targets when both are given', async () => {
    const s = await server([200]);
    servers.push(s.srv);
    const n = new Notifier({ command: 'cat > /dev/null', webhook: s.url, retry: FAST });
    n.send(payload('gmail'));
    await n.drain();
    expect(n.counts.delivered).toBe(2);
    expect(s.hits).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('doubles from the first delay up to the cap, with at most 25% jitter', () => {
    const o = { attempts: 10, backoffMs: 1000, maxBackoffMs: 60_000 };
    expect([1, 2, 3, 7, 8].map((n) => backoffDelay(n, o, () => 1))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
    expect(backoffDelay(1, o, () => 0)).toBe(750);
  });
});
