/**
 * Cutting the inputs into tasks. Big plain files are split into byte ranges that start just after
 * an LF; the LF may sit inside a quoted field, and a mid-file header may change the columns, so a
 * range's start and assumed header are guesses that run.ts verifies (and repairs) afterwards.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ProblemLog } from '../parse/problems.js';
import { RecordReader } from '../parse/reader.js';
import type { InputFile } from '../source/inputs.js';
import type { Task } from './task.js';

export interface PlanOptions {
  readonly threads: number;
  /** No range is smaller than this (bytes). */
  readonly minRange: number;
  /** Header names in effect at the start of each file (`--header`), or null. */
  readonly header: readonly string[] | null;
}

/** Offset just after the first LF at or after `from`, or `size` when there is none. */
function nextLineStart(fd: number, from: number, size: number): number {
  const buf = Buffer.alloc(64 * 1024);
  let pos = from;
  while (pos < size) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    const lf = buf.indexOf(10);
    if (lf >= 0 && lf < n) return pos + lf + 1;
    pos += n;
  }
  return size;
}

/** The header row at the start of a file, if the file starts with one. */
export function readFirstHeader(path: string): readonly string[] | null {
  let names: readonly string[] | null = null;
  let first = true;
  const reader = new RecordReader(
    {
      header(h) {
        if (first) names = h.names;
        first = false;
      },
      record() {
        first = false;
      },
    },
    new ProblemLog(0),
    { file: path, chunkSize: 64 * 1024 },
  );
  const fd = openSync(path, 'r');
  try {
    let pos = 0;
    while (first) {
      const space = reader.space();
      const n = readSync(fd, space, 0, space.length, pos);
      if (n === 0) {
        reader.finish();
        break;
      }
      pos += n;
      reader.written(n);
    }
  } finally {
    closeSync(fd);
  }
  return names;
}

const RANGES_PER_THREAD = 4;

export function planTasks(inputs: readonly InputFile[], opts: PlanOptions): Task[] {
  const tasks: Task[] = [];
  inputs.forEach((input, file) => {
    const whole = { file, path: input.path, gzip: input.gzip, start: 0, end: Number.POSITIVE_INFINITY, header: opts.header };
    // Four ranges a thread: enough to even out a worker that starts late or a thread the host
    // slows; each range costs a fresh reader and sink and a merge (about 10 ms of CPU).
    const pieces = Math.min(opts.threads * RANGES_PER_THREAD, Math.floor(input.size / opts.minRange));
    if (input.path === '-' || input.gzip || opts.threads <= 1 || pieces < 2) {
      tasks.push({ index: tasks.length, ...whole });
      return;
    }
    const header = readFirstHeader(input.path) ?? opts.header;
    const fd = openSync(input.path, 'r');
    try {
      const cuts = [0];
      for (let i = 1; i < pieces; i++) {
        const cut = nextLineStart(fd, Math.floor((input.size * i) / pieces), input.size);
        if (cut > cuts[cuts.length - 1] && cut < input.size) cuts.push(cut);
      }
      cuts.forEach((start, i) => {
        const end = i + 1 < cuts.length ? cuts[i + 1] : Number.POSITIVE_INFINITY;
        tasks.push({ index: tasks.length, file, path: input.path, gzip: false, start, end, header: i === 0 ? opts.header : header });
      });
    } finally {
      closeSync(fd);
    }
  });
  return tasks;
}
