/**
 * The rules file (`--rules FILE`, or $PMTA_ACCT_RULES), YAML or JSON, validated on load; errors
 * name the file, line, column and field:
 *
 *   builtIn: true        # keep the built-in rules (default); false: only the rules below
 *   minVolume: 100       # default minimum volume of the rate rules below
 *   tz: Europe/Paris     # zone of silence rules' sending hours (default UTC)
 *   rules:
 *     - name: deferral   # a built-in's name: change only the fields given (enabled: false removes it)
 *       warn: 4%
 *     - metric: deferral # a new rule (named yahoo-deferral unless it says otherwise)
 *       scope: isp=yahoo
 *       window: 1h
 *       warn: 8%
 *       crit: 15%
 *       for: 10m         # tail alerts only on a level that held 10 minutes
 */
import type { YAMLMap } from 'yaml';
import type { ErrorPosition } from '../errors.js';
import { readConfigText, readYaml, type YamlReader } from '../config/yaml-reader.js';
import { parseDuration } from '../parse/time-range.js';
import { formatPercent } from '../util/numbers.js';
import { assertZone } from '../util/zone.js';
import { BUILT_IN, BUILT_IN_RULES, DEFAULT_MIN_VOLUME, DEFAULT_SILENCE_RECORDS } from './defaults.js';
import { isRateRule, isScopeDim, SCOPE_DIMS, type Metric, type Rule, type RuleSet, type Scope, type ScopeDim } from './types.js';
import { isOneOf } from '../util/one-of.js';

const METRIC_NAMES: Readonly<Record<string, Metric>> = {
  deferral: 'deferral',
  bounce: 'bounce',
  hardBounce: 'hardBounce',
  'hard-bounce': 'hardBounce',
  complaint: 'complaint',
  silence: 'silence',
  msgRate: 'msgRate',
  'msg-rate': 'msgRate',
  capacity: 'capacity',
};
const RULE_FIELDS = [
  'name',
  'metric',
  'scope',
  'window',
  'warn',
  'crit',
  'minVolume',
  'level',
  'hours',
  'perfdata',
  'for',
  'enabled',
] as const;
type RuleField = (typeof RULE_FIELDS)[number];

function isRuleField(key: string): key is RuleField {
  return isOneOf(RULE_FIELDS, key);
}
const TOP_FIELDS = ['builtIn', 'minVolume', 'tz', 'rules'];
const MAX_WINDOW = 7 * 86400;
const MAX_HOLD = 86400;
const HOURS = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

/** Kebab-case name of a metric, for rule names: hardBounce → hard-bounce. */
export function metricName(m: Metric): string {
  return m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function scopeText(scope: Scope): string {
  if (scope.dim === null) return 'total';
  return scope.value === null ? scope.dim : `${scope.dim}=${scope.value}`;
}

class RuleReader {
  /** The `isp=ID` scopes read, with their positions. */
  readonly ispScopes: { id: string; at: ErrorPosition }[] = [];

  constructor(
    readonly r: YamlReader,
    readonly minVolume: number,
  ) {}

  scalar(node: unknown, field: string): string | number | boolean | null {
    if (!this.r.yaml.isScalar(node)) this.r.fail(node, field, 'expected a single value');
    const v: unknown = node.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    return this.r.fail(node, field, 'expected a single value');
  }

  string(node: unknown, field: string): string {
    const v = this.scalar(node, field);
    if (typeof v !== 'string' || v.trim() === '') this.r.fail(node, field, 'expected a non-empty string');
    return v.trim();
  }

  bool(node: unknown, field: string): boolean {
    const v = this.scalar(node, field);
    if (typeof v !== 'boolean') this.r.fail(node, field, 'expected true or false');
    return v;
  }

  count(node: unknown, field: string): number {
    const v = this.scalar(node, field);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.r.fail(node, field, 'expected a whole number, 0 or more');
    return v;
  }

  /** `3%`, `0.1%` or a bare number of percent, as a fraction. */
  percent(node: unknown, field: string, max: number): number {
    const v = this.scalar(node, field);
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(/%$/, '').trim() : '';
    const p = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(p) || p > max) this.r.fail(node, field, `expected a percentage from 0% to ${max}%, such as 3% or 0.1%`);
    return p / 100;
  }

  /** `for`: `0`, `90s`, `10m`, `1h`... up to a day, in seconds. */
  hold(node: unknown, field: string): number {
    const v = this.scalar(node, field);
    const s = v === 0 || v === '0' ? 0 : typeof v === 'string' ? parseDuration(v) : Number.NaN;
    if (Number.isNaN(s) || s < 0 || s > MAX_HOLD) this.r.fail(node, field, 'expected a duration from 0 to 1d, such as 90s, 10m or 1h');
    return s;
  }

  window(node: unknown, field: string): number {
    const v = this.scalar(node, field);
    const s = typeof v === 'string' ? parseDuration(v) : Number.NaN;
    if (Number.isNaN(s) || s % 60 !== 0 || s < 60 || s > MAX_WINDOW) {
      this.r.fail(node, field, 'expected a duration in whole minutes from 1m to 7d, such as 15m, 1h or 24h');
    }
    return s;
  }

  scope(node: unknown, field: string): Scope {
    const text = this.string(node, field);
    if (text === 'total') return { dim: null, value: null };
    const eq = text.indexOf('=');
    const dim = (eq < 0 ? text : text.slice(0, eq)).trim();
    if (!isScopeDim(dim)) {
      this.r.fail(node, field, `'${text}' is not a scope: use total, ${SCOPE_DIMS.join(', ')}, or one value such as isp=gmail`);
    }
    if (eq < 0) return { dim, value: null };
    const value = text.slice(eq + 1).trim();
    if (value === '') this.r.fail(node, field, `'${text}' names no value after '='`);
    if (dim !== 'isp') return { dim, value };
    this.ispScopes.push({ id: value.toLowerCase(), at: this.r.at(node) });
    return { dim, value: value.toLowerCase() };
  }

  hours(node: unknown, field: string): { from: number; to: number } {
    const text = this.string(node, field);
    const m = HOURS.exec(text);
    const from = m === null ? -1 : Number(m[1]) * 60 + Number(m[2]);
    const to = m === null ? -1 : Number(m[3]) * 60 + Number(m[4]);
    const ok = m !== null && Number(m[2]) < 60 && Number(m[4]) < 60 && from <= 1440 && to <= 1440 && from !== to;
    if (!ok) this.r.fail(node, field, `'${text}' is not a span of hours such as 07:00-22:00`);
    return { from, to };
  }

  /** One rule mapping → a rule (merged into the built-in of the same name), or null for `enabled: false`. */
  rule(node: YAMLMap, at: string): { rule: Rule | null; name: string } {
    const { isScalar } = this.r.yaml;
    const fields = new Map<RuleField, { value: unknown; key: unknown }>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!isRuleField(key)) {
        this.r.fail(pair.key, `${at}.${key || '(key)'}`, `unknown field (expected ${RULE_FIELDS.join(', ')})`);
      }
      fields.set(key, { value: pair.value, key: pair.key });
    }
    const get = (f: RuleField) => fields.get(f);
    const nodeOf = (f: RuleField): unknown => get(f)?.value ?? get(f)?.key ?? node;
    const named = get('name') === undefined ? null : this.string(get('name')?.value, `${at}.name`);
    const base = named === null ? undefined : BUILT_IN_RULES.find((b) => b.name === named);
    let metric: Metric | undefined = base?.metric;
    if (get('metric') !== undefined) {
      const text = this.string(get('metric')?.value, `${at}.metric`);
      const m = METRIC_NAMES[text];
      if (m === undefined)
        this.r.fail(
          nodeOf('metric'),
          `${at}.metric`,
          `'${text}' is not a metric (use deferral, bounce, hard-bounce, complaint, silence, msg-rate or capacity)`,
        );
      if (base !== undefined && m !== base.metric)
        this.r.fail(
          nodeOf('metric'),
          `${at}.metric`,
          `the built-in rule '${base.name}' is a ${metricName(base.metric)} rule; give a new rule another name`,
        );
      metric = m;
    }
    if (metric === undefined) this.r.fail(node, at, 'a rule needs a metric (or the name of a built-in rule to change)');
    const scope = get('scope') === undefined ? (base?.scope ?? { dim: null, value: null }) : this.scope(get('scope')?.value, `${at}.scope`);
    const name = named ?? `${scope.value ?? scope.dim ?? 'total'}-${metricName(metric)}`;
    if (get('enabled') !== undefined && !this.bool(get('enabled')?.value, `${at}.enabled`)) return { rule: null, name };
    const window = get('window') === undefined ? (base?.window ?? 3600) : this.window(get('window')?.value, `${at}.window`);
    const perfdata =
      get('perfdata') === undefined ? (base?.perfdata ?? metric !== 'msgRate') : this.bool(get('perfdata')?.value, `${at}.perfdata`);
    const origin = { file: this.r.file, line: this.r.line(node) };
    const hold = get('for') === undefined ? (base?.hold ?? 0) : this.hold(get('for')?.value, `${at}.for`);
    const common = { name, scope, window, perfdata, hold, origin };
    const refuse = (...names: RuleField[]) => {
      for (const f of names) if (get(f) !== undefined) this.r.fail(get(f)?.key, `${at}.${f}`, `not a field of ${metricName(metric)} rules`);
    };
    const needDim = (dim: ScopeDim) => {
      if (scope.dim !== dim)
        this.r.fail(nodeOf('scope'), `${at}.scope`, `${metricName(metric)} rules are scoped to ${dim} or ${dim}=VALUE`);
    };
    // A built-in rule changed keeps its other fields (its metric is this one: checked above).
    const pct = (f: 'warn' | 'crit', max: number, built: number | null | undefined): number | null =>
      get(f) === undefined ? (built ?? null) : get(f)?.value === null ? null : this.percent(get(f)?.value, `${at}.${f}`, max);
    switch (metric) {
      case 'silence': {
        refuse('warn', 'crit');
        const b = base?.metric === 'silence' ? base : undefined;
        const level = get('level') === undefined ? (b?.level ?? 'CRIT') : this.string(get('level')?.value, `${at}.level`).toUpperCase();
        if (level !== 'WARN' && level !== 'CRIT') this.r.fail(nodeOf('level'), `${at}.level`, 'expected WARN or CRIT');
        const minVolume =
          get('minVolume') === undefined
            ? (b?.minVolume ?? DEFAULT_SILENCE_RECORDS)
            : this.count(get('minVolume')?.value, `${at}.minVolume`);
        const hours = get('hours') === undefined ? (b?.hours ?? null) : this.hours(get('hours')?.value, `${at}.hours`);
        return { rule: { ...common, metric, level, minVolume, hours }, name };
      }
      case 'msgRate': {
        refuse('minVolume', 'level', 'hours');
        needDim('ip');
        const b = base?.metric === 'msgRate' ? base : undefined;
        const warn = pct('warn', 1000, b?.warn) ?? 1;
        const crit = pct('crit', 1000, b?.crit);
        if (crit !== null && crit < warn) this.r.fail(nodeOf('crit'), `${at}.crit`, 'must not be below warn');
        return { rule: { ...common, metric, warn, crit }, name };
      }
      case 'capacity':
        refuse('warn', 'crit', 'minVolume', 'level', 'hours');
        needDim('pool');
        return { rule: { ...common, metric }, name };
      default: {
        refuse('level', 'hours');
        const b = base !== undefined && isRateRule(base) ? base : undefined;
        const warn = pct('warn', 100, b?.warn);
        const crit = pct('crit', 100, b?.crit);
        if (warn === null && crit === null) this.r.fail(node, at, 'a rate rule needs warn, crit or both');
        if (warn !== null && crit !== null && crit < warn) {
          if (get('crit') !== undefined) this.r.fail(nodeOf('crit'), `${at}.crit`, 'must not be below warn');
          this.r.fail(nodeOf('warn'), `${at}.warn`, `must not be above crit (${formatPercent(crit)})`);
        }
        const minVolume =
          get('minVolume') === undefined ? (b?.minVolume ?? this.minVolume) : this.count(get('minVolume')?.value, `${at}.minVolume`);
        return { rule: { ...common, metric, warn, crit, minVolume }, name };
      }
    }
  }
}

export async function parseRules(text: string, file: string): Promise<RuleSet> {
  const { doc, reader } = await readYaml(text, file);
  const r: YamlReader = reader;
  const { isMap, isScalar, isSeq } = r.yaml;
  const root = doc.contents;
  if (root === null) return { ...BUILT_IN, file };
  if (!isMap(root)) r.fail(root, '(top level)', 'expected a mapping with builtIn, minVolume, tz and rules');
  const top = new Map<string, { value: unknown; key: unknown }>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!TOP_FIELDS.includes(key)) r.fail(pair.key, key || '(key)', `unknown field (expected ${TOP_FIELDS.join(', ')})`);
    top.set(key, { value: pair.value, key: pair.key });
  }
  const base = new RuleReader(r, DEFAULT_MIN_VOLUME);
  const builtIn = top.has('builtIn') ? base.bool(top.get('builtIn')?.value, 'builtIn') : true;
  const minVolume = top.has('minVolume') ? base.count(top.get('minVolume')?.value, 'minVolume') : DEFAULT_MIN_VOLUME;
  let tz = 'UTC';
  if (top.has('tz')) {
    tz = base.string(top.get('tz')?.value, 'tz');
    try {
      assertZone(tz);
    } catch {
      r.fail(top.get('tz')?.value, 'tz', `unknown time zone '${tz}' (use an IANA name such as Europe/Paris, or UTC)`);
    }
  }
  const rules = new RuleReader(r, minVolume);
  const out: (Rule | null)[] = builtIn ? [...BUILT_IN_RULES] : [];
  const seen = new Map<string, number>();
  const list = top.get('rules')?.value;
  if (list !== undefined && list !== null) {
    if (!isSeq(list)) r.fail(list, 'rules', 'expected a list of rules');
    list.items.forEach((item, i) => {
      const at = `rules[${i}]`;
      if (!isMap(item)) r.fail(item, at, 'expected a mapping (name, metric, scope, window, warn, crit...)');
      const { rule, name } = rules.rule(item, at);
      const line = r.line(item);
      const before = seen.get(name);
      if (before !== undefined) r.fail(item, `${at}.name`, `'${name}' is already the name of the rule at line ${before}`);
      seen.set(name, line);
      const builtInAt = out.findIndex((x) => x !== null && x.name === name && x.origin === null);
      if (builtInAt >= 0) out[builtInAt] = rule;
      else if (rule !== null) out.push(rule);
    });
  }
  return { rules: out.filter((x): x is Rule => x !== null), tz, file, ispScopes: rules.ispScopes };
}

export async function loadRules(file: string | undefined): Promise<RuleSet> {
  if (file === undefined || file === '') return BUILT_IN;
  return parseRules(readConfigText(file, 'the rules file'), file);
}
