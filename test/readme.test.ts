import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with scripts/readme-examples.mjs
import { EXAMPLE, runExample } from '../scripts/readme-example-lib.mjs';
import { ROOT } from './helpers/cli.js';

/** Every example output in the README is what the CLI prints today (`node scripts/readme-examples.mjs` refreshes them). */
describe('README examples', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(EXAMPLE as RegExp)];

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((m) => [m[1], m[0]]))('pmta-acct %s', (args, block) => {
    const body = block.slice(block.indexOf('\n', block.indexOf('```')) + 1, block.lastIndexOf('```'));
    expect(body).toBe((runExample as (a: string) => string)(args));
  });
});
