/**
 * Alerts on verdict level changes: `--on-change CMD` and/or `--webhook URL` (the payload as JSON,
 * or as Slack's or Teams' incoming-webhook message: formats.ts), each with retries
 * and backoff. `send` only queues (the caller, tail's loop, never waits on a slow receiver);
 * deliveries go out one at a time per target, in order. A full queue drops the oldest alert and
 * counts it. `drain` waits for what is queued (at shutdown).
 *
 * How tail uses it, for each window end it judges (report/state-verdicts.ts):
 *   for (const c of tracker.update(verdicts, end)) notifier.send(changePayload(c, tz, end, link));
 * and `await notifier.drain()` before it exits.
 */
import { runCommand } from './command.js';
import { DEFAULT_RETRY, withRetry, type Outcome, type RetryOptions } from './retry.js';
import { webhookBody, type WebhookFormat } from './formats.js';
import type { Payload } from './payload.js';
import { checkWebhookUrl, postJson } from './webhook.js';

export interface NotifierOptions {
  readonly command?: string;
  readonly webhook?: string;
  /** What the webhook receives (default json). */
  readonly webhookFormat?: WebhookFormat;
  readonly retry?: Partial<RetryOptions>;
  /** Per try, ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Alerts waiting per target before the oldest is dropped (default 1000). */
  readonly maxQueue?: number;
  readonly userAgent?: string;
  /** Told about every alert that could not be delivered (and about drops). */
  readonly onError?: (message: string) => void;
}

interface Target {
  readonly name: string;
  readonly deliver: (p: Payload) => Promise<Outcome>;
  readonly queue: Payload[];
  running: Promise<void> | null;
}

function envOf(p: Payload): Record<string, string> {
  const v = p.verdict as { rule?: string; scope?: Record<string, string>; message?: string };
  return {
    PMTA_ACCT_LEVEL: p.level,
    PMTA_ACCT_PREVIOUS: p.previous,
    PMTA_ACCT_RULE: v.rule ?? '',
    PMTA_ACCT_SCOPE: Object.entries(v.scope ?? {})
      .map(([k, x]) => `${k}=${x}`)
      .join(','),
    PMTA_ACCT_MESSAGE: v.message ?? '',
    ...(p.link === undefined ? {} : { PMTA_ACCT_LINK: p.link }),
  };
}

export class Notifier {
  private readonly targets: Target[] = [];
  private readonly retry: RetryOptions;
  private readonly maxQueue: number;
  private readonly onError: (message: string) => void;
  /** Alerts delivered, failed for good, and dropped from a full queue. */
  readonly counts = { delivered: 0, failed: 0, dropped: 0 };

  constructor(opts: NotifierOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.maxQueue = opts.maxQueue ?? 1000;
    this.onError = opts.onError ?? (() => undefined);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    if (opts.command !== undefined && opts.command !== '') {
      const command = opts.command;
      this.targets.push({
        name: '--on-change',
        deliver: (p) => runCommand(command, webhookBody('json', p, null), envOf(p), timeoutMs),
        queue: [],
        running: null,
      });
    }
    if (opts.webhook !== undefined && opts.webhook !== '') {
      const url = checkWebhookUrl(opts.webhook);
      const userAgent = opts.userAgent ?? 'pmta-acct';
      const format = opts.webhookFormat ?? 'json';
      this.targets.push({
        name: '--webhook',
        deliver: (p) => postJson(url, webhookBody(format, p, p.link ?? null), { timeoutMs, userAgent }),
        queue: [],
        running: null,
      });
    }
  }

  get enabled(): boolean {
    return this.targets.length > 0;
  }

  send(payload: Payload): void {
    for (const t of this.targets) {
      if (t.queue.length >= this.maxQueue) {
        t.queue.shift();
        this.counts.dropped++;
        this.onError(`${t.name}: ${this.maxQueue} alerts waiting; the oldest was dropped`);
      }
      t.queue.push(payload);
      t.running ??= this.pump(t);
    }
  }

  private async pump(t: Target): Promise<void> {
    for (let p = t.queue.shift(); p !== undefined; p = t.queue.shift()) {
      const out = await withRetry(() => t.deliver(p), this.retry);
      if (out.ok) {
        this.counts.delivered++;
      } else {
        this.counts.failed++;
        this.onError(
          `${t.name}: alert not delivered after ${out.tries} ${out.tries === 1 ? 'try' : 'tries'} (${out.reason}): ${(p.verdict as { message?: string }).message ?? ''}`,
        );
      }
    }
    t.running = null;
  }

  /** Resolves when every queued alert has been delivered or given up on. */
  async drain(): Promise<void> {
    for (;;) {
      const running = this.targets.map((t) => t.running).filter((r): r is Promise<void> => r !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }
}
