/** The benchmark's inputs, generated once per size into bench/data/ and kept (bench/generate.ts, seed 42). */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { writeDay, writeSingleFile } from './generate.js';
import type { BenchData } from './suite.js';

const SMALL_ROWS = 10_000;

export async function prepareData(dataDir: string, rows: number): Promise<BenchData> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `day-${rows}.csv`);
  const gz = `${file}.gz`;
  const dir = join(dataDir, `rotated-${rows}`);
  const small = join(dataDir, `day-${SMALL_ROWS}.csv`);
  for (const [path, n] of [
    [file, rows],
    [small, SMALL_ROWS],
  ] as const) {
    if (existsSync(path)) continue;
    process.stderr.write(`generating ${n} rows into ${path}...\n`);
    await writeSingleFile(path, { rows: n });
  }
  if (!existsSync(gz)) {
    process.stderr.write(`gzipping ${file}...\n`);
    await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(gz));
  }
  if (!existsSync(dir)) {
    process.stderr.write(`generating ${rows} rows as 24 rotated files (every 4th gzipped) into ${dir}...\n`);
    mkdirSync(dir);
    await writeDay(dir, { rows, files: 24, gzip: [0, 4, 8, 12, 16, 20] });
  }
  const bytes = statSync(file).size;
  return { rows, file, gz, dir, small, dataDir, bytes, dirGzipped: gzippedShare(dir, bytes) };
}

/** The share of `bytes` (the day, which the rotated files hold too) not in the directory's plain files. */
function gzippedShare(dir: string, bytes: number): number {
  let plain = 0;
  for (const name of readdirSync(dir)) if (!name.endsWith('.gz')) plain += statSync(join(dir, name)).size;
  return Math.max(0, 1 - plain / bytes);
}
