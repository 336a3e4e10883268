/**
 * The verdicts section that every human report starts with: the verdicts worth reading (CRIT,
 * WARN, then INFO) one per line, and how many more are OK.
 */
import type { VerdictSummary } from '../verdict/plan.js';
import type { Level, Verdict } from '../verdict/types.js';
import { bucketTime, eventTime, formatCount } from './format.js';

export interface VerdictLine {
  readonly level: Level;
  readonly text: string;
}

/** Verdicts above OK and INFO ones as lines; `verbose` lists the OK ones too instead of counting them. */
export function verdictLines(s: VerdictSummary, verbose = false): VerdictLine[] {
  const shown = s.verdicts.filter((v: Verdict) => verbose || v.level !== 'OK');
  const lines: VerdictLine[] = shown.map((v) => ({ level: v.level, text: v.message }));
  const ok = s.verdicts.length - shown.length;
  if (ok > 0) lines.push({ level: 'OK', text: `${formatCount(ok)} ${shown.length > 0 ? 'more ' : ''}verdict${ok === 1 ? '' : 's'}` });
  if (s.verdicts.length === 0) lines.push({ level: 'OK', text: 'nothing to judge: no rule had enough volume' });
  return lines;
}

/** "windows ending 2026-11-29 05:00 UTC, built-in rules" (or "rules from FILE"). */
export function verdictContext(s: VerdictSummary, tz: string): string {
  const end =
    s.end === null ? 'no timed records' : `windows ending ${s.end % 60 === 0 ? bucketTime(s.end, tz) : eventTime(s.end, tz)} ${tz}`;
  const rules = s.rules.file === null ? 'built-in rules' : `rules from ${s.rules.file}`;
  const config = s.pmtaConfig === null ? '' : `, limits from ${s.pmtaConfig}`;
  return `${end}, ${rules}${config}`;
}
