/**
 * A thread's loop over the queue (thread-loop.ts): a .gz is read alongside the next tasks, not
 * before them, every task once, and a stream that fails fails the loop once the others are read.
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/engine/task.js';
import { taskDone, taskQueue } from '../../src/engine/task-queue.js';
import { readQueue } from '../../src/engine/thread-loop.js';

function tasksOf(gzip: readonly boolean[]): Task[] {
  return gzip.map((g, index) => ({ index, file: index, path: `f${index}`, gzip: g, start: 0, end: Infinity, header: null }));
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('thread loop', () => {
  it('starts the plain tasks while the .gz is still being read, and waits for it at the end', async () => {
    const q = taskQueue(tasksOf([true, false, false]), 1);
    const log: string[] = [];
    let release: () => void = () => undefined;
    const streamEnds = new Promise<void>((r) => {
      release = r;
    });
    const loop = readQueue(q, async (task) => {
      log.push(`start ${task.index}`);
      if (task.gzip) await streamEnds;
      else await tick();
      log.push(`end ${task.index}`);
      taskDone(q, task);
    });
    await tick();
    await tick();
    await tick();
    expect(log).toEqual(['start 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    let over = false;
    void loop.then(() => {
      over = true;
    });
    await tick();
    expect(over).toBe(false);
    release();
    await loop;
    expect(log.at(-1)).toBe('end 0');
  });

  it('reads a second .gz in turn while one is open, and rejects with a failed stream after the rest', async () => {
    const q = taskQueue(tasksOf([true, true, false]), 2);
    const read: number[] = [];
    const loop = readQueue(q, async (task) => {
      await tick();
      read.push(task.index);
      taskDone(q, task);
      if (task.index === 0) throw new Error('damaged');
    });
    await expect(loop).rejects.toThrow('damaged');
    expect([...read].sort()).toEqual([0, 1, 2]);
  });
});
