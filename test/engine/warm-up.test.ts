/**
 * A big run's threads first read the start of their first task into a sink thrown away (warm-up.ts):
 * nothing of that read may reach the run's result, its problems or its failures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineOptions } from '../../src/engine/options.js';
import { SPLIT_OPTIONS as OPTIONS } from '../helpers/where.js';
import { planTasks } from '../../src/engine/plan.js';
import { runTasks } from '../../src/engine/pool.js';
import { SMALL_INPUT } from '../../src/engine/tiering.js';
import { PmtaAcctError } from '../../src/errors.js';
import { Rollup } from '../../src/rollup/rollup.js';

/** 2,000 records (over 64 KiB, so the warm read stops inside the file), a bad time at record 5. */
function day(): string {
  const rows = ['type,timeLogged,rcpt,dlvSourceIp,bounceCat'];
  for (let i = 0; i < 2000; i++) {
    const time = i === 5 ? 'not a time' : `2026-11-28 ${String(Math.floor(i / 100) % 24).padStart(2, '0')}:00:00Z`;
    rows.push(`${'dbt'[i % 3]},${time},user${i}@${['gmail.com', 'yahoo.com'][i % 2]},203.0.113.${i % 7},bad-mailbox`);
  }
  return `${rows.join('\n')}\n`;
}

describe('warm-up', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pmta-warm-')), 'day.csv');
  writeFileSync(path, day());
  const inputs = [{ path, gzip: false, size: 1 }];
  const tasks = planTasks(inputs, { threads: 1, minRange: 1 << 20, header: null });

  /** The whole run's counts and problems, sized as a small run (no warm-up) or a big one (a warm-up first). */
  async function run(size: number, options: EngineOptions) {
    const [result] = await runTasks(tasks, options, 1, [size]);
    return { groups: (result.rollup as Rollup).toData(), problems: result.problems, stats: result.stats };
  }

  it('counts and reports the same as a run without it', async () => {
    const cold = await run(1, OPTIONS);
    const warm = await run(SMALL_INPUT, OPTIONS);
    expect(cold.problems.badRecords).toBe(1);
    expect(cold.stats.counted).toBe(1999);
    expect(warm).toEqual(cold);
  });

  it('leaves a failure under --strict to the task itself', async () => {
    const strict = { ...OPTIONS, strict: true };
    await expect(run(SMALL_INPUT, strict)).rejects.toThrow(PmtaAcctError);
    await expect(run(SMALL_INPUT, strict)).rejects.toThrow(/day.csv:7 \(byte/);
  });
});
