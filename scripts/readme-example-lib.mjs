import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

/** `<!-- example: pmta-acct ARGS -->` then a fenced block (its content is replaced). */
export const EXAMPLE = /<!-- example: pmta-acct (.+?) -->\n(```\w*)\n[\s\S]*?```/g;

/** Split ARGS like a shell would for simple quoting ('...' and "..."). */
export function splitArgs(args) {
  return [...args.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

export function runExample(args) {
  return execFileSync(process.execPath, [cli, ...splitArgs(args)], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }).toString('utf8');
}
