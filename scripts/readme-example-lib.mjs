import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/bin/pmta-acct.js', import.meta.url));

/**
 * `<!-- example: pmta-acct ARGS -->` then a fenced block (its content is replaced). The closing
 * fence may carry letters left by an older version of this script, which repeated the info string
 * there (```json ... ```jsonjson); they are consumed and the fence is written plain.
 */
export const EXAMPLE = /<!-- example: pmta-acct (.+?) -->\n(```\w*)\n[\s\S]*?```\w*/g;

/** Split ARGS like a shell would for simple quoting ('...' and "..."). */
export function splitArgs(args) {
  return [...args.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The CLI's standard output; exit 1 and 2 are verdict levels (WARNING, CRITICAL), 3 and up a failure. */
export function runExample(args) {
  const r = spawnSync(process.execPath, [cli, ...splitArgs(args)], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status === null || r.status > 2) throw new Error(`pmta-acct ${args}: exit ${r.status}\n${r.stderr}`);
  return r.stdout.toString('utf8');
}
