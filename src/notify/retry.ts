/** Delivery with retries and exponential backoff, shared by the webhook and the command. */

export type Outcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly reason: string;
      /** Server-asked wait (Retry-After), ms. */ readonly afterMs?: number;
    };

export interface RetryOptions {
  /** Tries in all (the first one included). */
  readonly attempts: number;
  /** Wait before the first retry, ms; doubled for each one after. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, backoffMs: 1000, maxBackoffMs: 60_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wait before retry n (1-based): backoff × 2^(n-1), capped, with up to 25% jitter so that many senders spread out. */
export function backoffDelay(n: number, o: RetryOptions, random: () => number = Math.random): number {
  const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (n - 1));
  return Math.round(base * (0.75 + 0.25 * random()));
}

/** Try until ok, a failure that is not worth retrying, or the attempts run out; returns the last outcome. */
export async function withRetry(attempt: () => Promise<Outcome>, o: RetryOptions): Promise<Outcome & { tries: number }> {
  for (let n = 1; ; n++) {
    const out = await attempt();
    if (out.ok || !out.retry || n >= o.attempts) return { ...out, tries: n };
    const wait = out.afterMs === undefined ? backoffDelay(n, o) : Math.min(out.afterMs, o.maxBackoffMs);
    await sleep(wait);
  }
}
