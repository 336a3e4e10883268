// Writes samples/history/: the daily summaries (report --save) of the 7 generated days before the
// sample day (2026-11-21 ... 2026-11-27, seeds 35 ... 41, 6,000 records each), so that the README's
// --compare examples run against the bundled samples. `npm run samples:history` makes the same bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSingleFile } from '../dist/bench/generate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/pmta-acct.js');
const tmp = mkdtempSync(join(tmpdir(), 'pmta-acct-history-'));
try {
  for (let day = 21; day <= 27; day++) {
    const date = `2026-11-${day}`;
    const file = join(tmp, `acct-${date}-0000.csv`);
    await writeSingleFile(file, { rows: 6000, seed: 14 + day, date, tzOffset: '-0500' });
    execFileSync(process.execPath, [
      cli,
      'report',
      file,
      '--tz',
      'America/New_York',
      '--since',
      date,
      '--until',
      `2026-11-${day + 1}`,
      '--save',
      join(root, 'samples/history'),
      '--format',
      'json',
      '-o',
      join(tmp, 'report.json'),
      '--exit-zero',
    ]);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log('samples/history written');
