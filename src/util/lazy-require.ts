/**
 * CommonJS dependencies loaded on first use. A static import of prom-client, better-sqlite3 and
 * cli-table3 (120 CommonJS modules between them) cost every `report --format json` and every worker
 * thread about 30 ms of start-up for code it never runs. The bundle (scripts/bundle.mjs) leaves them
 * out, so these requires still find them in node_modules.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** A function returning the module `id`, required the first time it is called. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the module's type as its typings say; require() cannot know it
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => {
    mod ??= load(id) as T;
    return mod;
  };
}
