/**
 * What an alert says: a verdict's change of level as pmta-acct's JSON (versioned), which
 * `--on-change` gets on stdin, `--webhook` posts as it is or turns into a Slack or Teams message.
 */
import type { LevelChange } from '../verdict/tracker.js';
import { isoTime } from '../render/format.js';
import { verdictJson } from '../render/verdict-json.js';

export const PAYLOAD_VERSION = 1;

export interface Payload {
  readonly version: number;
  readonly event: 'verdict-change';
  /** When the change was seen (the window end judged), ISO 8601. */
  readonly time: string;
  readonly previous: string;
  readonly level: string;
  readonly verdict: Record<string, unknown>;
  /** `--alert-link`: where a person goes from the alert (a dashboard, the nightly report); absent when not given. */
  readonly link?: string;
}

export function changePayload(change: LevelChange, tz: string, at: number, link: string | null = null): Payload {
  return {
    version: PAYLOAD_VERSION,
    event: 'verdict-change',
    time: isoTime(at, tz),
    previous: change.previous,
    level: change.verdict.level,
    verdict: verdictJson(change.verdict, tz),
    ...(link === null ? {} : { link }),
  };
}
