/**
 * A parsed --where expression checked and turned into a plan: every field resolved to what it
 * reads, every literal converted once to what the per-record test compares (folded bytes, a
 * number, an instant, a compiled regex or glob). Independent of any header: each worker thread
 * builds the plan from the expression text, then compile.ts binds it to each header it meets.
 */
import { HARD_INDEX, LATENCY_INDEX, OUTCOMES, resolveField, type FieldRef } from '../classify/fields.js';
import { PmtaAcctError } from '../errors.js';
import { parseDuration, parseInstant } from '../parse/time-range.js';
import type { CompareOp, Expr, FieldName, Literal } from './ast.js';
import { compileGlob, foldedBytes, type Glob } from './bytes.js';
import { exprError } from './expr-error.js';
import { parseExpression } from './parser.js';
import { compileRegex, plainLiteral, type UserRegex } from './safe-regex.js';
import { isOneOf } from '../util/one-of.js';

/** How a field's values compare. */
export type FieldKind =
  | 'column' // bytes of a header column (type, vmta, pool, job, bounceCat and ip read one too)
  | 'derived' // a string the classifier computes: isp, domain, job, outcome, diag
  | 'latency' // seconds, d records only
  | 'hard' // true / false
  | 'time'; // an instant: a time column for = and ordering, or the bucket

export type Test =
  | {
      readonly k: 'eq';
      readonly negate: boolean;
      readonly bytes: readonly Uint8Array[];
      readonly strings: readonly string[];
      readonly numbers: readonly number[];
    }
  | {
      readonly k: 'order';
      readonly op: Exclude<CompareOp, '=' | '!='>;
      readonly number: number;
      readonly text: string;
      readonly numeric: boolean;
    }
  | { readonly k: 'like'; readonly negate: boolean; readonly glob: Glob }
  | {
      readonly k: 'regex';
      readonly negate: boolean;
      readonly regex: UserRegex;
      readonly plain: Uint8Array | null;
      readonly plainFolded: boolean;
    }
  | { readonly k: 'truthy' };

export type Plan =
  | { readonly k: 'and' | 'or'; readonly a: Plan; readonly b: Plan }
  | { readonly k: 'not'; readonly a: Plan }
  | { readonly k: 'test'; readonly field: FieldRef; readonly kind: FieldKind; readonly test: Test };

export interface PlanContext {
  /** Zone of times written without an offset, and `now` for relative times (`24h`, `yesterday`). */
  readonly tz: string;
  readonly now: number;
  /** The option name in messages. */
  readonly option?: string;
}

export interface PreparedFilter {
  readonly text: string;
  readonly plan: Plan;
  /** Lowercase names of the plain header columns the expression reads. */
  readonly columns: readonly string[];
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/;
/** A number written with a multiplier (`10k`, `1.5M`) or an exponent (`1e4`), which a text comparison would take as text. */
const SCALED = /^([+-]?\d+(?:\.\d+)?)(?:([kKmMgG])|[eE]([+-]?\d+))$/;
const SCALE: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, g: 1e9 };
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, yes: true, 1: true, false: false, no: false, 0: false };

class Checker {
  readonly columns = new Set<string>();

  constructor(
    private readonly expr: string,
    private readonly ctx: PlanContext,
  ) {}

  private fail(pos: number, message: string): never {
    throw exprError(this.ctx.option ?? '--where', this.expr, pos, message);
  }

  field(f: FieldName): { ref: FieldRef; kind: FieldKind } {
    const ref = resolveField(f.name);
    if (ref === null) this.fail(f.pos, `'${f.name}' is not a field name`);
    if (ref.bucket) return { ref, kind: 'time' };
    if (ref.derived === LATENCY_INDEX) return { ref, kind: 'latency' };
    if (ref.derived === HARD_INDEX) return { ref, kind: 'hard' };
    if (ref.derived >= 0 && ref.column === '') return { ref, kind: 'derived' };
    if (ref.derived < 0) this.columns.add(ref.column);
    return { ref, kind: ref.time ? 'time' : 'column' };
  }

  plan(e: Expr): Plan {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { k: e.kind, a: this.plan(e.left), b: this.plan(e.right) };
      case 'not':
        return { k: 'not', a: this.plan(e.expr) };
      case 'truthy': {
        const { ref, kind } = this.field(e.field);
        return { k: 'test', field: ref, kind, test: { k: 'truthy' } };
      }
      case 'compare': {
        const { ref, kind } = this.field(e.field);
        if (e.op === '=' || e.op === '!=') return { k: 'test', field: ref, kind, test: this.eq(ref, kind, [e.value], e.op === '!=') };
        return { k: 'test', field: ref, kind, test: this.order(kind, e.op, e.value) };
      }
      case 'in': {
        const { ref, kind } = this.field(e.field);
        return { k: 'test', field: ref, kind, test: this.eq(ref, kind, e.values, e.negate) };
      }
      case 'like': {
        const { ref, kind } = this.field(e.field);
        this.textual(ref, kind, e.field.pos, 'like');
        return {
          k: 'test',
          field: ref,
          kind: kind === 'time' ? 'column' : kind,
          test: { k: 'like', negate: e.negate, glob: compileGlob(e.pattern.text) },
        };
      }
      case 'regex': {
        const { ref, kind } = this.field(e.field);
        this.textual(ref, kind, e.field.pos, '~');
        const regex = compileRegex(e.source, e.flags);
        if (typeof regex === 'string') this.fail(e.pos, regex);
        const plain = plainLiteral(e.source);
        const ascii = plain !== null && /^[\x20-\x7e]*$/.test(plain);
        const usable = plain !== null && (!regex.lower || ascii);
        return {
          k: 'test',
          field: ref,
          kind: kind === 'time' ? 'column' : kind,
          test: {
            k: 'regex',
            negate: e.negate,
            regex,
            plain: usable ? (regex.lower ? foldedBytes(plain) : Buffer.from(plain, 'utf8')) : null,
            plainFolded: regex.lower,
          },
        };
      }
    }
  }

  /** like and ~ read text: not the number of latency, the boolean hard, or the bucket. */
  private textual(ref: FieldRef, kind: FieldKind, pos: number, op: string): void {
    if (kind === 'latency' || kind === 'hard' || ref.bucket)
      this.fail(
        pos,
        `'${op}' needs a text field; ${ref.name} is a ${kind === 'latency' ? 'number' : kind === 'hard' ? 'boolean' : 'time'}`,
      );
  }

  private eq(ref: FieldRef, kind: FieldKind, values: readonly Literal[], negate: boolean): Test {
    const numbers: number[] = [];
    const strings: string[] = [];
    const bytes: Uint8Array[] = [];
    for (const v of values) {
      if (kind === 'latency') numbers.push(this.seconds(v));
      else if (kind === 'time') numbers.push(this.instant(v));
      else if (kind === 'hard') numbers.push(this.boolean(v) ? 1 : 0);
      else {
        const lower = v.text.toLowerCase();
        if (ref.name === 'outcome' && !isOneOf(OUTCOMES, lower)) this.fail(v.pos, `outcome is one of ${OUTCOMES.join(', ')}`);
        strings.push(lower);
        bytes.push(foldedBytes(v.text));
      }
    }
    return { k: 'eq', negate, bytes, strings, numbers };
  }

  private order(kind: FieldKind, op: Exclude<CompareOp, '=' | '!='>, v: Literal): Test {
    if (kind === 'hard') this.fail(v.pos, `'${op}' does not apply to hard (true or false)`);
    if (kind === 'latency') return { k: 'order', op, number: this.seconds(v), text: v.text, numeric: true };
    if (kind === 'time') return { k: 'order', op, number: this.instant(v), text: v.text, numeric: true };
    const numeric = !v.quoted && NUMBER.test(v.text);
    // `dlvSize > 10k` compared as text ('5000' > '10k') and matched the wrong records, silently
    const scaled = v.quoted ? null : SCALED.exec(v.text);
    if (scaled !== null) {
      const n = Number(scaled[1]) * (scaled[2] === undefined ? 10 ** Number(scaled[3]) : SCALE[scaled[2].toLowerCase()]);
      this.fail(v.pos, `'${v.text}' is not a number here: write ${String(n)}, or quote it ('${v.text}') to compare as text`);
    }
    return { k: 'order', op, number: numeric ? Number(v.text) : Number.NaN, text: v.text, numeric };
  }

  private seconds(v: Literal): number {
    if (!v.quoted && NUMBER.test(v.text)) return Number(v.text);
    const d = parseDuration(v.text);
    if (Number.isNaN(d)) this.fail(v.pos, `'${v.text}' is not a number of seconds or a duration (90, 15m, 2h, 1d)`);
    return d;
  }

  private instant(v: Literal): number {
    try {
      return parseInstant(v.text, this.ctx.tz, this.ctx.now);
    } catch (err) {
      if (err instanceof PmtaAcctError)
        this.fail(v.pos, `'${v.text}' is not a time (2026-11-28, '2026-11-28 14:00', 2026-11-28T14:00:00Z, yesterday, 24h...)`);
      throw err;
    }
  }

  private boolean(v: Literal): boolean {
    const b = BOOLEANS[v.text.toLowerCase()];
    if (b === undefined) this.fail(v.pos, `hard is true or false, not '${v.text}'`);
    return b;
  }
}

/** Parse and check an expression; throws a PmtaAcctError (USAGE) pointing at the column at fault. */
export function prepareFilter(text: string, ctx: PlanContext): PreparedFilter {
  const checker = new Checker(text, ctx);
  const plan = checker.plan(parseExpression(text, ctx.option ?? '--where'));
  return { text, plan, columns: [...checker.columns] };
}
