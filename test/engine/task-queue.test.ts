/**
 * The shared task queue (task-queue.ts): every task handed out exactly once, each list in its
 * order, and no more streams (.gz) open at once than the queue's slots while plain tasks are left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/engine/task.js';
import { stopTasks, takeTask, taskDone, taskQueue } from '../../src/engine/task-queue.js';

function tasksOf(gzip: readonly boolean[]): Task[] {
  return gzip.map((g, index) => ({ index, file: index, path: `f${index}`, gzip: g, start: 0, end: Infinity, header: null }));
}

describe('task queue', () => {
  it('hands out a stream first, then plain tasks while one stream is open, then the other streams', () => {
    const q = taskQueue(tasksOf([false, true, false, true, false]), 1);
    const a = takeTask(q);
    const b = takeTask(q);
    expect([a?.index, b?.index]).toEqual([1, 0]);
    expect(takeTask(q)?.index).toBe(2);
    if (a !== undefined) taskDone(q, a);
    expect(takeTask(q)?.index).toBe(3);
    expect(takeTask(q)?.index).toBe(4);
    expect(takeTask(q)).toBeUndefined();
  });

  it('gives the streams left to any thread once no plain task is left', () => {
    const q = taskQueue(tasksOf([true, true, true]), 1);
    expect([takeTask(q), takeTask(q), takeTask(q)].map((t) => t?.index)).toEqual([0, 1, 2]);
    expect(takeTask(q)).toBeUndefined();
  });

  it('hands out nothing once stopped', () => {
    const q = taskQueue(tasksOf([false, false]), 1);
    takeTask(q);
    stopTasks(q);
    expect(takeTask(q)).toBeUndefined();
  });

  it('hands out every task once, in list order, within the stream slots, whatever the threads do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (gzip, slots, choices) => {
          const tasks = tasksOf(gzip);
          const q = taskQueue(tasks, slots);
          const taken: Task[] = [];
          const holding: Task[] = [];
          // Each step: a thread takes a task, or one holding a task finishes it.
          for (let step = 0; taken.length < tasks.length; step++) {
            const c = choices.length === 0 ? 0 : choices[step % choices.length];
            if (c % 2 === 1 && holding.length > 0) {
              const [done] = holding.splice(c % holding.length, 1);
              taskDone(q, done);
              continue;
            }
            const t = takeTask(q);
            if (t === undefined) {
              // nothing left to take, or only streams while others are open: a holder finishes
              expect(taken.length === tasks.length || holding.length > 0).toBe(true);
              const done = holding.shift();
              if (done !== undefined) taskDone(q, done);
              continue;
            }
            taken.push(t);
            holding.push(t);
            const plainLeft = tasks.filter((x) => !x.gzip).length > taken.filter((x) => !x.gzip).length;
            if (plainLeft) expect(holding.filter((x) => x.gzip).length).toBeLessThanOrEqual(slots);
          }
          expect(takeTask(q)).toBeUndefined();
          expect(taken.map((t) => t.index).sort((a, b) => a - b)).toEqual(tasks.map((t) => t.index));
          const inOrder = (gz: boolean) => taken.filter((t) => t.gzip === gz).map((t) => t.index);
          expect(inOrder(true)).toEqual(tasks.filter((t) => t.gzip).map((t) => t.index));
          expect(inOrder(false)).toEqual(tasks.filter((t) => !t.gzip).map((t) => t.index));
        },
      ),
      { numRuns: 300 },
    );
  });
});
