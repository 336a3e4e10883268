/**
 * CLI over bench/generate.ts:
 *   node dist/bench/generate-cli.js --rows N [--seed S] [--date D] [--tz -0500] [--files K] [--gzip 1,3] --out DIR
 *   node dist/bench/generate-cli.js --rows N [--seed S] [--date D] [--tz -0500] --single FILE
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULTS, type GenerateOptions, writeDay, writeSingleFile } from './generate.js';

const USAGE =
  'usage: generate-cli --rows N [--seed S] [--date YYYY-MM-DD] [--tz -0500] [--files K] [--gzip 1,3] (--out DIR | --single FILE)';

/** parseArgs refuses `--tz -0500` (a value starting with a dash); join such pairs into `--tz=-0500`. */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tz' && i + 1 < argv.length) out.push(`--tz=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: joinDashValues(process.argv.slice(2)),
    options: {
      rows: { type: 'string' },
      seed: { type: 'string' },
      date: { type: 'string' },
      tz: { type: 'string' },
      files: { type: 'string' },
      gzip: { type: 'string' },
      out: { type: 'string' },
      single: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.rows === undefined || (values.out === undefined) === (values.single === undefined)) throw new Error(USAGE);
  const opts: GenerateOptions = {
    rows: integer('rows', values.rows, DEFAULTS.rows),
    seed: integer('seed', values.seed, DEFAULTS.seed),
    date: values.date ?? DEFAULTS.date,
    tzOffset: values.tz ?? DEFAULTS.tzOffset,
    files: integer('files', values.files, DEFAULTS.files),
  };
  const gzip = values.gzip === undefined ? [] : values.gzip.split(',').map((v) => integer('gzip', v.trim(), 0));

  const started = performance.now();
  let paths: string[];
  if (values.single !== undefined) {
    if (gzip.length > 0 || values.files !== undefined) throw new Error('--gzip and --files apply to --out only');
    await writeSingleFile(values.single, opts);
    paths = [values.single];
  } else {
    paths = await writeDay(values.out ?? '', { ...opts, gzip });
  }
  const seconds = (performance.now() - started) / 1000;

  let total = 0;
  for (const path of paths) {
    const { size } = await stat(path);
    total += size;
    console.log(`${path}\t${size} bytes`);
  }
  // Throughput and row length only mean something when nothing was compressed.
  const perRow =
    gzip.length === 0 ? `, ${(total / 1e6 / seconds).toFixed(1)} MB/s, ${(total / Math.max(1, opts.rows)).toFixed(1)} bytes/row` : '';
  console.log(`${opts.rows} rows, ${total} bytes on disk in ${paths.length} file(s), ${seconds.toFixed(2)} s${perRow}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
