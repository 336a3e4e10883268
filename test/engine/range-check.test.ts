/**
 * RangeChecker hands a split file's ranges on in file order whatever order their results come in
 * (threads finish when they finish), and reads a range again where its guess was wrong (a cut
 * inside a quoted field, a header row that changed the columns before it).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPLIT_OPTIONS as OPTIONS } from '../helpers/where.js';
import { planTasks } from '../../src/engine/plan.js';
import { RangeChecker } from '../../src/engine/range-check.js';
import { runTask, type TaskResult } from '../../src/engine/task.js';
import { STRIDE } from '../../src/rollup/counters.js';
import { Rollup } from '../../src/rollup/rollup.js';

/** Quoted cells with line breaks every few rows and the columns moved by a header row mid-file. */
function file(rows: number): string {
  const headers = ['type,timeLogged,rcpt,dlvSourceIp,dsnDiag', 'type,rcpt,dsnDiag,timeLogged,dlvSourceIp'];
  const out = [headers[0]];
  let layout = 0;
  for (let i = 0; i < rows; i++) {
    if (i % 450 === 200) out.push(headers[(layout = 1 - layout)]);
    const time = `2026-11-28 ${String(Math.floor(i / 100) % 24).padStart(2, '0')}:00:00Z`;
    const rcpt = `u${i}@${['gmail.com', 'yahoo.com', 'web.de'][i % 3]}`;
    const ip = `203.0.113.${i % 5}`;
    const diag = i % 4 === 0 ? `"smtp;421 one\nline two\nthree ${i}"` : `smtp;250 ok ${i}`;
    const row = layout === 0 ? ['dbt'[i % 3], time, rcpt, ip, diag] : ['dbt'[i % 3], rcpt, diag, time, ip];
    out.push(row.join(','));
  }
  return `${out.join('\n')}\n`;
}

interface Accepted {
  readonly endedAt: number;
  readonly lines: readonly number[];
  readonly records: number;
  readonly counts: number;
}

describe('RangeChecker', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pmta-ranges-')), 'day.csv');
  writeFileSync(path, file(2400));
  const tasks = planTasks(
    [{ path, size: 0, gzip: false }].map((i) => ({ ...i, size: file(2400).length })),
    { threads: 8, minRange: 4096, header: null },
  );

  async function accepted(order: readonly number[]): Promise<Accepted[]> {
    const results: TaskResult[] = [];
    for (const t of tasks) results.push(await runTask(t, OPTIONS));
    const out: Accepted[] = [];
    const checker = new RangeChecker(tasks, (r) => {
      const rollup = new Rollup(OPTIONS.dims);
      rollup.merge(r.rollup);
      let counts = 0;
      for (let i = 0; i < rollup.size * STRIDE; i++) counts += rollup.counters[i];
      out.push({ endedAt: r.endedAt, lines: r.problems.first.map((p) => p.line), records: r.stats.records, counts });
    });
    for (const i of order) checker.add(i, results[i]);
    await checker.finish(OPTIONS);
    return out;
  }

  it('hands the ranges on in file order, in any order of arrival, and redoes wrong guesses', async () => {
    expect(tasks.length).toBeGreaterThan(6);
    // the file trips both guesses: cuts inside quoted cells, ranges under a header the first did not have
    const first = await Promise.all(tasks.map((t) => runTask(t, OPTIONS)));
    expect(tasks.some((t, i) => i > 0 && t.start !== first[i - 1].endedAt)).toBe(true);
    expect(tasks.some((t, i) => i > 0 && first[i - 1].sawHeader && first[i - 1].lastHeader?.join() !== t.header?.join())).toBe(true);
    const inOrder = await accepted(tasks.map((_, i) => i));
    const whole = await runTask({ ...tasks[0], end: Number.POSITIVE_INFINITY }, OPTIONS);
    // the ranges add up to the whole file, its problems at the same lines
    expect(inOrder.at(-1)?.endedAt).toBe(whole.endedAt);
    expect(inOrder.reduce((n, a) => n + a.records, 0)).toBe(whole.stats.records);
    expect(inOrder.flatMap((a) => a.lines)).toEqual(whole.problems.first.map((p) => p.line));
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          tasks.map((_, i) => i),
          { minLength: tasks.length },
        ),
        async (order) => {
          expect(await accepted(order)).toEqual(inOrder);
        },
      ),
      { numRuns: 15, seed: 17 },
    );
  });
});
