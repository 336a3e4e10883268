import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A hang guard, not a speed check (speed is proven by npm run bench): with two test files at
    // a time on two busy cores a ClickHouse kill loop took 95 s, which a tighter limit failed.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // vitest's default is one file at a time on two cores (cores - 1). Most files spend their time
    // waiting on the CLI, tail, ClickHouse or a file system, so two at a time keeps both cores
    // busy (docs/architecture.md, "The test suite's wall time").
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
