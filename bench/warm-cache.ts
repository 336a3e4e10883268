/**
 * Reads files (or the files of directories) once, untimed, so that the run that follows finds them
 * in the page cache. The bench's figures are for a warm cache, and a 10 M-row day's files are
 * 10 GB: on this project's VMs the host pages cold memory out (DAMON's `pageout` scheme), so a
 * file read a round earlier can be on disk again, and whichever contender came to it first paid
 * the disk (the 24 rotated files on one thread took 9.8 s in a run where the same files took
 * 5.0 s on two). Every contender now starts from the same cache.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CHUNK = 4 << 20;
let buffer: Buffer | null = null;

function readThrough(path: string): void {
  const buf = (buffer ??= Buffer.allocUnsafe(CHUNK));
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buf, 0, CHUNK, null) > 0);
  } finally {
    closeSync(fd);
  }
}

export function warmCache(paths: readonly string[]): void {
  for (const p of paths) {
    if (statSync(p).isDirectory()) for (const name of readdirSync(p)) readThrough(join(p, name));
    else readThrough(p);
  }
}
