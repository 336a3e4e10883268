import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeDay } from '../../bench/generate.js';
import { ROOT } from '../helpers/cli.js';

function content(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

describe('samples/', () => {
  it('is what `npm run samples` generates (the generator and the committed day agree)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-samples-'));
    const made = await writeDay(dir, { rows: 6000, files: 4, gzip: [0] });
    const committed = readdirSync(join(ROOT, 'samples'))
      .filter((n) => n.startsWith('acct-'))
      .sort();
    expect(made.map((p) => p.slice(dir.length + 1))).toEqual(committed);
    for (const name of committed) {
      expect(content(join(dir, name)).equals(content(join(ROOT, 'samples', name))), name).toBe(true);
    }
  });
});
