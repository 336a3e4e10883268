import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The package version (for --version and report footers), from the nearest package.json named
 * pmta-acct above this module: the tsc output (dist/src/cli/) and the bundle (dist/bin/) sit at
 * different depths.
 */
export function version(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pmta-acct' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here, or not ours: look further up
    }
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}
