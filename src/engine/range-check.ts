/**
 * The ranges of one split file, checked in file order as their results come in. A range guessed
 * where it starts (just after an LF, which may sit inside a quoted field) and which header is in
 * effect there (a mid-file header row may change it); both are known for sure once the range
 * before it is done: where its last record ended and what header it ended under. Every range whose
 * guesses held is handed on (merged) as soon as the ranges before it are, while the others are
 * still being read, so that little is left to merge once the reading ends. A wrong guess (rare)
 * stops the checking until `finish`, which reads that range again from the right place.
 */
import type { Problem, ProblemSummary } from '../parse/problems.js';
import type { EngineOptions } from './options.js';
import { runTask, type Task, type TaskResult } from './task.js';

function sameHeader(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === b || (a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]));
}

function shiftLines(summary: ProblemSummary, lines: number): ProblemSummary {
  if (lines === 0) return summary;
  return { ...summary, first: summary.first.map((p: Problem) => ({ ...p, line: p.line + lines })) };
}

export class RangeChecker {
  /** Results not handed on yet, by position in the file. */
  private readonly waiting: (TaskResult | undefined)[];
  /** Position of the next range to check. */
  private next = 0;
  private expectStart = 0;
  private header: readonly string[] | null;
  private lineBase = 0;

  /** `ranges`: the file's tasks in file order; `accept` takes each checked result, in that order. */
  constructor(
    private readonly ranges: readonly Task[],
    private readonly accept: (r: TaskResult) => void,
  ) {
    this.waiting = new Array<TaskResult | undefined>(ranges.length);
    this.header = ranges[0].header;
  }

  /** The result of the range at `position`: hand on every range now checked. */
  add(position: number, result: TaskResult): void {
    if (position < this.next) return; // a range skipped before its result came
    this.waiting[position] = result;
    while (this.next < this.ranges.length) {
      const task = this.ranges[this.next];
      if (this.startsAfterEnd(task)) continue;
      const result = this.waiting[this.next];
      if (result === undefined || !this.guessedRight(task)) return;
      this.take(result);
    }
  }

  /** After every range was read: check the rest, reading a range again where its guess was wrong. */
  async finish(options: EngineOptions): Promise<void> {
    while (this.next < this.ranges.length) {
      const task = this.ranges[this.next];
      if (this.startsAfterEnd(task)) continue;
      const result = this.waiting[this.next];
      this.take(
        result !== undefined && this.guessedRight(task)
          ? result
          : await runTask({ ...task, start: this.expectStart, header: this.header }, options),
      );
    }
  }

  private guessedRight(task: Task): boolean {
    return task.start === this.expectStart && sameHeader(task.header, this.header);
  }

  /** A record of the ranges before reached past this one's end: nothing of it is left to count (skipped). */
  private startsAfterEnd(task: Task): boolean {
    if (task.start === this.expectStart || this.expectStart < task.end) return false;
    this.waiting[this.next++] = undefined;
    return true;
  }

  private take(result: TaskResult): void {
    this.waiting[this.next++] = undefined;
    this.accept({ ...result, problems: shiftLines(result.problems, this.lineBase) });
    this.lineBase += result.lines;
    this.expectStart = result.endedAt;
    if (result.sawHeader) this.header = result.lastHeader;
  }
}
