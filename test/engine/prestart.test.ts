import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { willSplit } from '../../src/engine/prestart.js';

describe('prestart: whether the command line asks for a run that will start a worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmta-prestart-'));
  const file = join(dir, 'acct.csv');
  writeFileSync(file, Buffer.alloc(100_000, 'a'));
  const gz = join(dir, 'acct.csv.gz');
  writeFileSync(gz, Buffer.alloc(100_000, 'a'));

  it('says yes for a command that reads a plain file of at least two ranges, on more than one thread', () => {
    expect(willSplit(['report', '--workers', '2', '--min-range', '50000', file])).toBe(true);
    expect(willSplit(['query', '--workers=3', '--min-range=1000', '--where', 'type=d', file])).toBe(true);
  });

  it('without --workers, says yes only for a file big enough for a worker to pay (thread-count.ts)', () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 600e6); // sparse: nothing written
    expect(willSplit(['check', big])).toBe(availableParallelism() > 1);
    expect(willSplit(['check', file, '--min-range', '4096'])).toBe(false);
    expect(willSplit(['check', '--workers', '2', file, '--min-range', '4096'])).toBe(true);
  });

  it('says no for one thread, a small file, a .gz, a directory, a missing file, an output file or another command', () => {
    expect(willSplit(['report', '--workers', '1', '--min-range', '1000', file])).toBe(false);
    expect(willSplit(['report', '--workers', '2', '--min-range', '50001', file])).toBe(false);
    expect(willSplit(['report', '--workers', '2', file])).toBe(false); // 16 MiB ranges by default
    expect(willSplit(['report', '--workers', '2', '--min-range', '1000', gz])).toBe(false);
    expect(willSplit(['report', '--workers', '2', '--min-range', '1000', dir])).toBe(false);
    expect(willSplit(['report', '--workers', '2', '--min-range', '1000', join(dir, 'none.csv')])).toBe(false);
    expect(willSplit(['report', '--workers', '2', '--min-range', '1000', '-o', file, gz])).toBe(false);
    expect(willSplit(['report', '--workers', '2', '--min-range', '1000', '--output', file])).toBe(false);
    expect(willSplit(['tail', '--workers', '2', '--min-range', '1000', file])).toBe(false);
    expect(willSplit(['--version'])).toBe(false);
    expect(willSplit([])).toBe(false);
  });
});
