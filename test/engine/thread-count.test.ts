import { describe, expect, it } from 'vitest';
import { threadsForWork } from '../../src/engine/thread-count.js';

const MB = 1e6;

describe('thread-count: how many threads pay when the user did not say', () => {
  it('keeps a small run on one thread: a worker costs more than the reading it takes over', () => {
    expect(threadsForWork(50 * MB, 0, 2)).toBe(1);
    expect(threadsForWork(300 * MB, 0, 2)).toBe(1);
  });

  it('uses both cores for a 1 M-row day (505 MB) and above', () => {
    expect(threadsForWork(505 * MB, 0, 2)).toBe(2);
    expect(threadsForWork(5050 * MB, 0, 2)).toBe(2);
  });

  it('keeps the 1 M-row rotated archive on one thread: its inflate already keeps the second core busy', () => {
    // 505 MB, 168 MB of them inflated from six .gz
    expect(threadsForWork(505 * MB, 168 * MB, 2)).toBe(1);
    // the same at 10 M rows: the reading is long enough for a worker to pay
    expect(threadsForWork(5050 * MB, 1680 * MB, 2)).toBe(2);
  });

  it('never uses more threads than asked, nor fewer than one, and more cores let more threads pay', () => {
    expect(threadsForWork(5050 * MB, 0, 1)).toBe(1);
    expect(threadsForWork(0, 0, 8)).toBe(1);
    expect(threadsForWork(505 * MB, 168 * MB, 8)).toBeGreaterThan(1);
    expect(threadsForWork(50_000 * MB, 0, 8)).toBe(8);
  });

  it('takes every core for input of unknown size (standard input)', () => {
    expect(threadsForWork(Number.POSITIVE_INFINITY, 0, 4)).toBe(4);
  });
});
