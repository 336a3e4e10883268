/**
 * `--webhook URL`: POST the JSON body. 2xx is delivered; 408, 425, 429 and 5xx and network errors
 * are retried (a Retry-After in seconds is honoured, capped at the longest backoff); any other
 * status is a permanent failure (a retry would get the same answer).
 */
import { messageOf, PmtaAcctError } from '../errors.js';
import type { Outcome } from './retry.js';

const RETRY_STATUS = new Set([408, 425, 429]);

/** Accept http and https URLs only (a typo should fail at start-up, not at the first alert). */
export function checkWebhookUrl(text: string, option = '--webhook'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PmtaAcctError('USAGE', `${option}: '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new PmtaAcctError('USAGE', `${option}: '${text}' is not an http or https URL`);
  return url;
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const s = Number(value.trim());
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

export async function postJson(url: URL, body: string, opts: { timeoutMs: number; userAgent: string }): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': opts.userAgent },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { ok: false, retry: true, reason: `${messageOf(err)}${cause}` };
  }
  // Read the answer to the end so that the connection can be reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { ok: true };
  const retry = RETRY_STATUS.has(res.status) || res.status >= 500;
  return { ok: false, retry, reason: `HTTP ${res.status}`, afterMs: retry ? retryAfterMs(res.headers.get('retry-after')) : undefined };
}
