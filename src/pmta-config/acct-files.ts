/**
 * The `<acct-file PATH>` blocks of a PowerMTA config (User's Guide §3.3.11, §11.3): where each
 * accounting file is written and where `move-to` puts it when it rotates, so that
 * `tail --pmta-config` finds the rotated files without `--rotated-dir`. Pipes (`<acct-file |prog>`)
 * have no files and are left out.
 */
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { shortPlace, type Block } from './parse.js';

export interface AcctFileBlock {
  /** As written in the config (absolute, or relative to PowerMTA's directory). */
  readonly path: string;
  readonly moveTo: string | null;
  /** `config:12`, for messages. */
  readonly place: string;
}

export function acctFilesOf(root: Block): AcctFileBlock[] {
  const out: AcctFileBlock[] = [];
  const walk = (b: Block) => {
    if (b.tag === 'acct-file' && b.args.length > 0 && !b.args[0].startsWith('|')) {
      const moveTo =
        [...b.directives]
          .reverse()
          .find((d) => d.name === 'move-to')
          ?.value.replace(/^"(.*)"$/, '$1') ?? null;
      out.push({ path: b.args[0], moveTo: moveTo === '' ? null : moveTo, place: shortPlace(b.file, b.line) });
    }
    for (const c of b.blocks) walk(c);
  };
  walk(root);
  return out;
}

/**
 * The `move-to` directory of the `<acct-file>` that writes `live`, or null. A relative path in the
 * config is PowerMTA's own (relative to where it runs): it matches a live path that ends with it,
 * and a relative move-to is taken from the same base.
 */
export function moveToFor(root: Block, live: string): { dir: string; place: string } | null {
  const target = resolve(live);
  for (const a of acctFilesOf(root)) {
    if (a.moveTo === null) continue;
    let base: string | null = null;
    if (isAbsolute(a.path)) {
      if (normalize(a.path) === target) base = '/';
    } else {
      const rel = normalize(a.path);
      if (target.endsWith(`${sep}${rel}`)) base = target.slice(0, target.length - rel.length);
    }
    if (base === null) continue;
    return { dir: isAbsolute(a.moveTo) ? normalize(a.moveTo) : join(base, a.moveTo), place: a.place };
  }
  return null;
}
