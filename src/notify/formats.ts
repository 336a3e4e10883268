/**
 * `--webhook-format`: what a level change looks like to the receiver. `json` is the payload as it is
 * (versioned, see notifier.ts); `slack` and `teams` are what their incoming webhooks take, so an
 * alert lands in a channel without a relay: the message, the level (as the colour and in words),
 * the rule, the scope, when, and a link back when `--alert-link` gives one.
 *
 * Slack: a message with one attachment (colour bar, title, fields, footer); `&`, `<` and `>` are
 * escaped as Slack asks, so no text from the logs becomes a link or a mention. Teams: an Adaptive
 * Card (1.4) in a message envelope, what both the Workflows webhooks and the older connector
 * webhooks accept; its text is shown as it is written.
 */
import { hostname } from 'node:os';
import type { Payload } from './payload.js';

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

interface Words {
  readonly title: string;
  readonly message: string;
  readonly rule: string;
  readonly scope: string;
}

function wordsOf(p: Payload): Words {
  const v = p.verdict as { rule?: string; scope?: Record<string, string>; message?: string };
  const scope = Object.entries(v.scope ?? {})
    .map(([k, x]) => `${k}=${x}`)
    .join(', ');
  const rule = v.rule ?? '';
  const what = p.level === 'OK' ? 'back to OK' : p.level;
  return {
    title: `${what}: ${rule}${scope === '' ? '' : ` (${scope})`}`,
    message: v.message ?? '',
    rule,
    scope: scope === '' ? 'all mail' : scope,
  };
}

/** Slack's three characters to escape in text. */
function slackText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SLACK_COLOR: Readonly<Record<string, string>> = { CRIT: '#c0262d', WARN: '#a86500', OK: '#1b7f3b' };

function slackBody(p: Payload, link: string | null, host: string): Record<string, unknown> {
  const w = wordsOf(p);
  const fallback = `${p.level} ${w.message}`;
  return {
    text: slackText(fallback),
    attachments: [
      {
        color: SLACK_COLOR[p.level] ?? '#5d6875',
        fallback: slackText(fallback),
        title: slackText(w.title),
        ...(link === null ? {} : { title_link: link }),
        text: slackText(w.message),
        fields: [
          { title: 'Level', value: slackText(`${p.previous} → ${p.level}`), short: true },
          { title: 'Scope', value: slackText(w.scope), short: true },
          { title: 'Rule', value: slackText(w.rule), short: true },
          { title: 'Window end', value: slackText(p.time), short: true },
        ],
        footer: slackText(`pmta-acct on ${host}`),
      },
    ],
  };
}

const TEAMS_COLOR: Readonly<Record<string, string>> = { CRIT: 'Attention', WARN: 'Warning', OK: 'Good' };

function teamsBody(p: Payload, link: string | null, host: string): Record<string, unknown> {
  const w = wordsOf(p);
  return {
    type: 'message',
    summary: `${p.level} ${w.message}`,
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: w.title, weight: 'Bolder', size: 'Medium', color: TEAMS_COLOR[p.level] ?? 'Default', wrap: true },
            { type: 'TextBlock', text: w.message, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Level', value: `${p.previous} → ${p.level}` },
                { title: 'Scope', value: w.scope },
                { title: 'Rule', value: w.rule },
                { title: 'Window end', value: p.time },
                { title: 'Host', value: host },
              ],
            },
          ],
          ...(link === null ? {} : { actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }] }),
        },
      },
    ],
  };
}

/** The request body for a change in a format (`link`: --alert-link, or null). */
export function webhookBody(format: WebhookFormat, p: Payload, link: string | null, host = hostname()): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(p)}\n`;
    case 'slack':
      return `${JSON.stringify(slackBody(p, link, host))}\n`;
    case 'teams':
      return `${JSON.stringify(teamsBody(p, link, host))}\n`;
  }
}
