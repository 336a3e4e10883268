/**
 * PromQL for what the verdicts judge, over the counters `tail --metrics` exports. The counter
 * families and labels are those of src/monitoring/metric-names.ts; the rates are those of
 * src/rollup/counters.ts (rateParts, recordsOf, sendingOf). Those definitions are linear in the
 * counters, so their terms are read off by evaluating them on unit counts: the PromQL is written
 * from the definitions the tool judges by and cannot drift from them.
 */
import { COUNTER_NAMES, countsOf, rateParts, STRIDE, type CounterName, type Counts, type RateName } from '../rollup/counters.js';
import { LABEL_OF, METRIC_OF, RECORDS_READ_METRIC } from './metric-names.js';
import { formatWindow } from '../util/numbers.js';

/** coef × counter: one term of a linear definition. */
export interface Term {
  readonly counter: CounterName;
  readonly coef: number;
}

/** The terms of a count that is a linear function of the counters (it is checked to be). */
export function termsOf(f: (c: Counts) => number, what: string): Term[] {
  const unit = (i: number) => {
    const row = new Float64Array(STRIDE);
    if (i >= 0) row[i] = 1;
    return countsOf(row);
  };
  const terms: Term[] = [];
  for (let i = 0; i < STRIDE; i++) {
    const coef = f(unit(i));
    if (coef !== 0) terms.push({ counter: COUNTER_NAMES[i], coef });
  }
  // Linear, or the PromQL below would say something else than the tool: two probes catch any other shape.
  const probe = new Float64Array(STRIDE).map((_, i) => 3 + 7 * i);
  const expected = terms.reduce((s, t) => s + t.coef * probe[COUNTER_NAMES.indexOf(t.counter)], 0);
  if (f(unit(-1)) !== 0 || f(countsOf(probe)) !== expected) {
    throw new Error(`${what} is not a sum of counters: teach src/monitoring/promql.ts its shape`);
  }
  return terms;
}

/** Numerator and denominator of a rate as terms. */
export function rateTerms(rate: RateName): { count: Term[]; volume: Term[] } {
  return {
    count: termsOf((c) => rateParts(rate, c)[0], `the numerator of ${rate}`),
    volume: termsOf((c) => rateParts(rate, c)[1], `the denominator of ${rate}`),
  };
}

/** Every label a tail's counters can carry for a dimension of its state. */
export const DIM_LABELS: readonly string[] = [...new Set(Object.values(LABEL_OF))];

/** The label a rule's dimension is exported as (`ip` → `source_ip`). */
export function labelOf(dim: string): string {
  const label = LABEL_OF[dim];
  if (label === undefined) throw new Error(`no Prometheus label for the dimension ${dim}`);
  return label;
}

/** deferral → deferral, hardBounce → hard_bounce. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function counterMetric(c: CounterName): string {
  return METRIC_OF[c][0];
}

/**
 * The recording rule name of a series at a level (`label` null: one series per tail, by its
 * target labels), following Prometheus' level:metric:operations: instance_isp:pmta_acct_deferral:ratio1h.
 */
export function recordName(label: string | null, metric: string, op: string, window: number): string {
  return `instance${label === null ? '' : `_${label}`}:pmta_acct_${metric}:${op}${formatWindow(window)}`;
}

/** A PromQL string literal. */
export function quote(v: string): string {
  return JSON.stringify(v);
}

/** Label matchers in braces ('' for none). */
export function selector(matchers: readonly string[]): string {
  return matchers.length === 0 ? '' : `{${matchers.join(', ')}}`;
}

/** The label the union of several counters is told apart by, removed again by the sum. */
const PART = 'pmta_acct_counter';

export interface SumOptions {
  /** Matchers on the raw counters (the dashboard's variables). */
  readonly matchers?: readonly string[];
  /**
   * Count 0, rather than no series, while a tail has counted nothing yet: only for the total
   * level, whose one series per tail always exists (the records-read counter is there from start).
   */
  readonly anchor?: boolean;
  /** Range of the increase: a window in seconds, or Grafana's text such as `$__interval`. */
  readonly range: number | string;
  /**
   * `sum by (these)` instead of the rules' `sum without` the other dimensions (which keeps each
   * tail's target labels): the dashboard adds up the tails it shows.
   */
  readonly by?: readonly string[];
}

function rangeText(range: number | string): string {
  return typeof range === 'number' ? formatWindow(range) : range;
}

/**
 * Σ coef × increase(counter[range]), summed to a level. Counters are only exported once they
 * have counted something, so a plain `a + b` would lose every label set one of them lacks (an ISP
 * that only deferred, with no delivered series); a union told apart by a label keeps them all.
 */
export function sumExpr(terms: readonly Term[], label: string | null, opts: SumOptions): string {
  const range = rangeText(opts.range);
  const sel = selector(opts.matchers ?? []);
  const drop = DIM_LABELS.filter((l) => l !== label);
  const inc = (t: Term) => `increase(${counterMetric(t.counter)}${sel}[${range}])`;
  const scaled = (t: Term, e: string) => (t.coef === 1 ? e : `${t.coef} * ${e}`);
  const sum = (union: boolean) => {
    if (opts.by === undefined) return `sum without (${[...drop, ...(union ? [PART] : [])].join(', ')})`;
    return opts.by.length === 0 ? 'sum' : `sum by (${opts.by.join(', ')})`;
  };
  if (terms.length === 1 && opts.anchor !== true) return `${sum(false)} (${scaled(terms[0], inc(terms[0]))})`;
  const parts = terms.map((t) => scaled(t, `label_replace(${inc(t)}, "${PART}", "${t.counter}", "", "")`));
  if (opts.anchor === true) parts.push(`label_replace(0 * increase(${RECORDS_READ_METRIC}[${range}]), "${PART}", "none", "", "")`);
  return `${sum(true)} (\n  ${parts.join('\n  or ')}\n)`;
}

/** A ratio of two counts, only where the denominator is above 0 (0 of 0 is no rate). */
export function ratioExpr(count: string, volume: string): string {
  return `(${count})\n/\n(${volume} > 0)`;
}
