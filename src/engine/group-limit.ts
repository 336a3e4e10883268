/**
 * The most groups a query's rollup may hold. A group costs about 1 KB on each thread that counts
 * it (counters, a latency histogram, its key), and the groups are then ordered and written on the
 * main thread: `query --group-by rcpt,bucket` over weeks of archives makes a group of nearly
 * every record, and ran a 24 GB machine out of memory. Past the limit the run stops at once with
 * a message that says how to ask a smaller question, or to raise the limit (--max-groups).
 */
import { PmtaAcctError } from '../errors.js';

export const DEFAULT_MAX_GROUPS = 2_000_000;

export function tooManyGroups(max: number, dims: readonly string[], bucketed: boolean): PmtaAcctError {
  const by = [...(bucketed ? ['bucket'] : []), ...dims].join(', ');
  return new PmtaAcctError(
    'USAGE',
    `more than ${max.toLocaleString('en-US')} groups by ${by} (about 1 KB of memory each, per thread): ` +
      'ask a narrower question (--where, --since/--until, fewer --group-by fields, a larger --bucket), ' +
      'or raise --max-groups if the memory is there',
  );
}
