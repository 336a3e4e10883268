/** What a Follower is given (options, hooks into the session) and what it tells about its files. */
import type { ProblemLog } from '../parse/problems.js';
import type { RecordSink } from '../parse/reader.js';
import type { FileRow, Gap } from './file-row.js';
import type { Clock } from '../util/clock.js';
import type { Layout } from './discovery.js';
import type { ReadLimits } from './tracked-file.js';

export interface FollowOptions extends ReadLimits {
  readonly layout: Layout;
  /** A rotated file is closed once at its end and unchanged for this long (ms). */
  readonly rotateWait: number;
  /** Catch up and stop: rotated files at their end are closed without waiting. */
  readonly once: boolean;
  /** Bytes read from one file per poll before others get a turn. */
  readonly batchBytes: number;
  /** How often rotated directories are listed (ms) when nothing else asks for it. */
  readonly scanInterval: number;
  /** Wall and elapsed time (tests step the wall clock); the system's by default. */
  readonly clock?: Clock;
}

export interface FollowHooks {
  readonly sink: RecordSink;
  readonly problems: ProblemLog;
  readonly notice: (message: string) => void;
  readonly gap: (gap: Gap) => void;
  /** After every chunk read: the session commits there when a commit is due. */
  readonly between: () => void;
  /** A rotation, a drained file, a restart at 0: commit soon. */
  readonly milestone: () => void;
  /** The stored row of a file gone earlier whose first record is `fp` (its content reappeared), if any. */
  readonly goneWith?: (fp: string) => FileRow | null;
}

export type StartFrom = 'beginning' | 'end';

export interface FollowedFile {
  readonly path: string;
  readonly role: 'live' | 'rotated';
  readonly offset: number;
  readonly size: number;
}
