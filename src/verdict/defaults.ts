/**
 * The built-in rules, from high-volume PowerMTA practice:
 * - deferral per ISP over 1 h: WARN above 3% (Gmail's "reputation issue developing" level), CRIT above 5%;
 * - hard bounces over 24 h: WARN above 1% ("list quality action required"), CRIT above 2%;
 * - complaints per ISP over 24 h: WARN above 0.1%, CRIT above 0.3% (Gmail's published spam-rate
 *   ceiling), judged from 1,000 deliveries (below that, one complaint alone crosses 0.1%);
 * - silence: CRIT when nothing was delivered for 30 minutes while records keep arriving;
 * - with a PowerMTA config: each IP's attempts per hour to each ISP against its max-msg-rate
 *   (WARN above it), and each pool's spare capacity (INFO).
 * A rules file can change, remove or add to them (src/verdict/rules-file.ts).
 */
import type { Rule, RuleSet } from './types.js';

/** Every rate rule's minimum volume unless it says otherwise: 1 deferral out of 3 is not a reputation problem. */
export const DEFAULT_MIN_VOLUME = 100;

/** Records a silence window needs before "nothing delivered" means something. */
export const DEFAULT_SILENCE_RECORDS = 10;

const HOUR = 3600;
const DAY = 86400;

export const BUILT_IN_RULES: readonly Rule[] = [
  {
    name: 'deferral',
    metric: 'deferral',
    scope: { dim: 'isp', value: null },
    window: HOUR,
    warn: 0.03,
    crit: 0.05,
    minVolume: DEFAULT_MIN_VOLUME,
    perfdata: true,
    origin: null,
  },
  {
    name: 'hard-bounce',
    metric: 'hardBounce',
    scope: { dim: null, value: null },
    window: DAY,
    warn: 0.01,
    crit: 0.02,
    minVolume: DEFAULT_MIN_VOLUME,
    perfdata: true,
    origin: null,
  },
  {
    name: 'complaint',
    metric: 'complaint',
    scope: { dim: 'isp', value: null },
    window: DAY,
    warn: 0.001,
    crit: 0.003,
    minVolume: 1000,
    perfdata: true,
    origin: null,
  },
  {
    name: 'silence',
    metric: 'silence',
    scope: { dim: null, value: null },
    window: 30 * 60,
    level: 'CRIT',
    minVolume: DEFAULT_SILENCE_RECORDS,
    hours: null,
    perfdata: true,
    origin: null,
  },
  {
    name: 'msg-rate',
    metric: 'msgRate',
    scope: { dim: 'ip', value: null },
    window: HOUR,
    warn: 1,
    crit: null,
    perfdata: false,
    origin: null,
  },
  { name: 'capacity', metric: 'capacity', scope: { dim: 'pool', value: null }, window: HOUR, perfdata: true, origin: null },
];

export const BUILT_IN: RuleSet = { rules: BUILT_IN_RULES, tz: 'UTC', file: null };
