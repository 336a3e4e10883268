// Re-runs every example in README.md marked `<!-- example: pmta-acct ARGS -->` and writes its
// output into the fenced block that follows. test/readme.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExample, EXAMPLE } from './readme-example-lib.mjs';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const text = readFileSync(path, 'utf8');
const out = text.replace(EXAMPLE, (_all, args, fence) => `<!-- example: pmta-acct ${args} -->\n${fence}\n${runExample(args)}\`\`\``);
writeFileSync(path, out);
console.log('README examples refreshed');
