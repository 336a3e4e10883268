/**
 * The rollup source of accounting files: the engine reads them (threads over byte ranges, one
 * parser, classifier and rollup) and hands the model its rollup and the input's figures.
 */
import type { RunResult } from '../../engine/run.js';
import type { ModelInput } from '../../model/model.js';

/** A run over files as the model's input. */
export function inputOfRun(result: RunResult): ModelInput {
  return {
    rollup: result.rollup,
    stats: result.stats,
    files: result.files,
    bytes: result.bytes,
    badRecords: result.problems.badRecords,
    warnings: result.problems.warnings,
    problemCounts: result.problems.byCode,
    problems: result.problems.first,
  };
}
