import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/cli/progress.js';

describe('progress line', () => {
  it('shows files, bytes, rows/s and the time left', () => {
    expect(formatProgress({ files: 28, filesDone: 3, bytes: 4e9, bytesDone: 1e9, records: 2_400_000 }, 2)).toBe(
      '3/28 files, 1.0 GB of 4.0 GB (25%), 1.2 M rows/s, ETA 6s',
    );
  });

  it('has no ETA before anything was read, and none once done', () => {
    expect(formatProgress({ files: 2, filesDone: 0, bytes: 1000, bytesDone: 0, records: 0 }, 0)).toContain('ETA -');
    expect(formatProgress({ files: 2, filesDone: 2, bytes: 1000, bytesDone: 1200, records: 10 }, 1)).toBe(
      '2/2 files, 1.0 KB of 1.0 KB (100%), 10 rows/s, ETA -',
    );
  });
});
