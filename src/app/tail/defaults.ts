/**
 * tail's defaults, once: the CLI's option help and defaults are written from these, and the code
 * that fills in what was not given reads them too.
 */
import type { Dimension } from '../../classify/classifier.js';
import type { BucketSize } from '../../rollup/buckets.js';

/** Bucket sizes a state can keep (1d buckets are made by reports from local days). */
export const STORED_BUCKETS: readonly BucketSize[] = ['1m', '5m', '15m', '1h'];

export const TAIL_DEFAULTS = {
  /** A new state's bucket, dimensions and zone. */
  bucket: '5m' as BucketSize,
  dims: ['isp', 'ip', 'vmta', 'pool'] as readonly Dimension[],
  tz: 'UTC',
  /** Grouping of the JSON lines. */
  by: 'isp,ip',
  /** With no state yet: where to start. */
  from: 'end',
  /** View refresh (seconds), file polling (ms), a rotated file's settling time and the JSON lines' grace (seconds). */
  refreshSeconds: 1,
  pollMs: 250,
  rotateWaitSeconds: 30,
  graceSeconds: 60,
  /** A commit at least this often (ms) or after this many records. */
  commitIntervalMs: 1000,
  commitRows: 10_000,
  /** Bytes read at a time, and the size at which the --stdin spool is cut. */
  chunkSize: 256 * 1024,
  spoolSize: 64 << 20,
  /** Rotated directories are listed this often (ms) when nothing else asks for it. */
  scanIntervalMs: 1000,
} as const;
