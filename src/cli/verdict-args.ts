/** Options shared by the commands that judge verdicts (report, check): rules, PowerMTA config, --at. */
import { createIspMap, knownIspIds } from '../classify/isp-map.js';
import { unknownIspScopes } from '../verdict/isp-scopes.js';
import { warn } from './io.js';
import type { Config } from '../config/config-file.js';
import { loadRateLimits } from '../pmta-config/limits.js';
import { clockOf } from '../util/clock.js';
import { parseInstant } from '../parse/time-range.js';
import { planVerdicts, type VerdictPlan } from '../verdict/plan.js';
import { loadRules } from '../verdict/rules-file.js';

export interface VerdictFlags {
  rules?: string;
  pmtaConfig?: string;
  at?: string;
}

/** The rules file is --rules, else $PMTA_ACCT_RULES, else the built-in rules. */
export async function verdictPlanOf(flags: VerdictFlags, config: Config, tz: string): Promise<VerdictPlan> {
  const rules = await loadRules(flags.rules ?? process.env.PMTA_ACCT_RULES);
  // a scope on an id nothing maps to (a typo) judges nothing: said, never refused (exit unchanged)
  for (const w of unknownIspScopes(rules, knownIspIds(config.isps))) warn(w);
  const limits = flags.pmtaConfig === undefined ? null : loadRateLimits(flags.pmtaConfig, createIspMap(config.isps));
  const at = flags.at === undefined ? null : parseInstant(flags.at, tz, Math.floor(clockOf().now() / 1000));
  return planVerdicts(rules, limits, at);
}
