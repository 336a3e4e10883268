/**
 * The `groups` of the JSON report written as text: the same bytes as JSON.stringify of groupJson's
 * objects, indented two spaces a level, at the depth the report puts them (json.ts jsonPieces; a
 * property test holds the two equal). A group is one string, built from its row's fields.
 */
import type { ReportModel } from '../model/model.js';
import type { GroupRow } from '../model/rows.js';
import { COUNTER_NAMES } from '../rollup/counters.js';
import { isoTime, roundRate } from './format.js';

/** A number as JSON.stringify writes it (what is not finite is null there). */
function num(v: number | null): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** Line starts of a group (depth 2, in the report's `groups`), of its fields and of theirs. */
const GROUP = '\n    ';
const FIELD = '\n      ';
const INNER = '\n        ';
const COUNTER_FIELDS = COUNTER_NAMES.map((n) => `,${FIELD}${JSON.stringify(n)}: `);

function keyText(key: Readonly<Record<string, string>>): string {
  let s = '';
  for (const name of Object.keys(key)) s += `${s === '' ? '' : ','}${INNER}${JSON.stringify(name)}: ${JSON.stringify(key[name])}`;
  return s === '' ? '{}' : `{${s}${FIELD}}`;
}

function groupText(row: GroupRow, tz: string, withBucket: boolean): string {
  let s = `${GROUP}{`;
  if (withBucket) s += `${FIELD}"bucket": ${row.bucket === null ? 'null' : JSON.stringify(isoTime(row.bucket, tz))},`;
  s += `${FIELD}"key": ${keyText(row.key)}`;
  const c = row.counts;
  for (let i = 0; i < COUNTER_NAMES.length; i++) s += COUNTER_FIELDS[i] + num(c[COUNTER_NAMES[i]]);
  const r = row.rates;
  const l = row.latency;
  return `${s},${FIELD}"rates": {${INNER}"deferral": ${num(roundRate(r.deferral))},${INNER}"bounce": ${num(roundRate(r.bounce))},${INNER}"hardBounce": ${num(
    roundRate(r.hardBounce),
  )},${INNER}"complaint": ${num(roundRate(r.complaint))}${FIELD}},${FIELD}"latency": {${INNER}"count": ${num(l.count)},${INNER}"p50": ${num(
    l.p50,
  )},${INNER}"p90": ${num(l.p90)},${INNER}"p99": ${num(l.p99)}${FIELD}}${GROUP}}`;
}

/** The groups' array, from its opening bracket on: one piece per group, then the closing bracket. */
export function* groupPieces(m: ReportModel): Generator<string> {
  const groups = m.groups;
  const withBucket = m.bucket !== null;
  for (let i = 0; i < groups.length; i++) yield `${i === 0 ? '' : ','}${groupText(groups[i], m.range.tz, withBucket)}`;
  yield groups.length === 0 ? ']' : '\n  ]';
}
