/**
 * A plan bound to one header: a tree of closures over the record's bytes, built once per header
 * (columns resolved to positions), run once per record. Column tests compare bytes in place
 * (equality, substring, glob, numbers, times) and decode a cell only for a real regex or a text
 * ordering; derived strings (isp, domain, outcome, diag) are interned by the classifier, so their
 * test results are memoised per distinct value.
 *
 * Missing values: a record without the column, or an empty cell, has the value ''. A number or
 * time comparison with a value that is not a number or time is false, whatever the operator
 * (so `latency != 5` is false for a record without a latency; write `not latency = 5`).
 */
import type { Classifier } from '../classify/classifier.js';
import { hasSendingIp } from '../classify/record-type.js';
import type { Header } from '../parse/header.js';
import type { RecordView } from '../parse/record-view.js';
import { parseTimestamp } from '../parse/time.js';
import type { Bucketing } from '../rollup/buckets.js';
import { TimeSource } from '../classify/classifier.js';
import { containsBytes, equalsFolded, globMatches, parseNumber } from './bytes.js';
import type { Plan, Test } from './plan.js';
import { MAX_REGEX_INPUT } from './safe-regex.js';

export type RecordTest = (view: RecordView) => boolean;

const QUOTE = 34;
const MEMO_LIMIT = 10_000;

/** Where the value of the last located cell is: [cellA, cellB) of view.bytes, or text when escaped. */
let cellA = 0;
let cellB = 0;
let cellText: string | null = null;
const scratch = { bytes: Buffer.alloc(0) };

/** Locate the value of column c (-1 or past the record: empty). Quoted cells are unquoted in place. */
function locate(view: RecordView, c: number): void {
  cellText = null;
  if (c < 0 || c >= view.n) {
    cellA = cellB = 0;
    return;
  }
  let a = view.fieldStart(c);
  let b = view.fieldEnd(c);
  if (a < b && view.bytes[a] === QUOTE) {
    a++;
    b--;
    for (let i = a; i < b; i++) {
      if (view.bytes[i] === QUOTE) {
        cellText = view.text(c);
        break;
      }
    }
  }
  cellA = a;
  cellB = b;
}

/** The bytes and range of the located value (a decoded copy for the rare escaped cell). */
function cellBytes(view: RecordView): Uint8Array {
  if (cellText === null) return view.bytes;
  scratch.bytes = Buffer.from(cellText, 'utf8');
  cellA = 0;
  cellB = scratch.bytes.length;
  return scratch.bytes;
}

function cellString(view: RecordView): string {
  if (cellText !== null) return cellText;
  return view.bytes.toString(view.high ? 'utf8' : 'latin1', cellA, cellB);
}

function ordered(op: string, cmp: number): boolean {
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    default:
      return cmp >= 0;
  }
}

function compareNumber(op: string, v: number, lit: number): boolean {
  if (Number.isNaN(v)) return false;
  return ordered(op, v < lit ? -1 : v > lit ? 1 : 0);
}

function regexOn(text: string, re: RegExp, lower: boolean): boolean {
  const t = text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text;
  return re.test(lower ? t.toLowerCase() : t);
}

/** A test of the located cell's bytes. */
function columnTest(test: Test, time: boolean): (view: RecordView) => boolean {
  switch (test.k) {
    case 'truthy':
      return () => cellB > cellA || (cellText !== null && cellText !== '');
    case 'eq': {
      const lits = test.bytes;
      const nums = test.numbers;
      const negate = test.negate;
      if (time) {
        return (view) => {
          const src = cellBytes(view);
          const t = parseTimestamp(src, cellA, cellB);
          if (Number.isNaN(t)) return false;
          return nums.includes(t) !== negate;
        };
      }
      if (lits.length === 1) {
        const lit = lits[0];
        return (view) => equalsFolded(cellBytes(view), cellA, cellB, lit) !== negate;
      }
      return (view) => {
        const src = cellBytes(view);
        for (let i = 0; i < lits.length; i++) if (equalsFolded(src, cellA, cellB, lits[i])) return !negate;
        return negate;
      };
    }
    case 'order': {
      const { op, number, text } = test;
      if (time) return (view) => compareNumber(op, parseTimestamp(cellBytes(view), cellA, cellB), number);
      if (test.numeric) return (view) => compareNumber(op, parseNumber(cellBytes(view), cellA, cellB), number);
      return (view) => ordered(op, cellString(view) < text ? -1 : cellString(view) > text ? 1 : 0);
    }
    case 'like': {
      const { glob, negate } = test;
      return (view) => globMatches(glob, cellBytes(view), cellA, Math.min(cellB, cellA + MAX_REGEX_INPUT)) !== negate;
    }
    case 'regex': {
      const { plain, plainFolded, negate } = test;
      const { re, lower } = test.regex;
      if (plain !== null)
        return (view) => containsBytes(cellBytes(view), cellA, Math.min(cellB, cellA + MAX_REGEX_INPUT), plain, plainFolded) !== negate;
      return (view) => regexOn(cellString(view), re, lower) !== negate;
    }
  }
}

/** A test of a string value, memoised per distinct value (values are interned, and few). */
function stringTest(test: Test): (value: string) => boolean {
  let raw: (value: string) => boolean;
  switch (test.k) {
    case 'truthy':
      return (v) => v !== '';
    case 'eq': {
      const set = new Set(test.strings);
      const negate = test.negate;
      raw = (v) => set.has(v.toLowerCase()) !== negate;
      break;
    }
    case 'order': {
      const { op, number, text, numeric } = test;
      raw = numeric
        ? (v) => compareNumber(op, v.trim() === '' ? Number.NaN : Number(v), number)
        : (v) => ordered(op, v < text ? -1 : v > text ? 1 : 0);
      break;
    }
    case 'like': {
      const { glob, negate } = test;
      raw = (v) => {
        const b = Buffer.from(v.slice(0, MAX_REGEX_INPUT), 'utf8');
        return globMatches(glob, b, 0, b.length) !== negate;
      };
      break;
    }
    case 'regex': {
      const { negate } = test;
      const { re, lower } = test.regex;
      raw = (v) => regexOn(v, re, lower) !== negate;
      break;
    }
  }
  let memo = new Map<string, boolean>();
  return (v) => {
    let r = memo.get(v);
    if (r === undefined) {
      if (memo.size >= MEMO_LIMIT) memo = new Map();
      r = raw(v);
      memo.set(v, r);
    }
    return r;
  };
}

function numberTest(test: Test): (v: number) => boolean {
  switch (test.k) {
    case 'truthy':
      return (v) => !Number.isNaN(v);
    case 'eq': {
      const nums = test.numbers;
      const negate = test.negate;
      return (v) => !Number.isNaN(v) && nums.includes(v) !== negate;
    }
    case 'order': {
      const { op, number } = test;
      return (v) => compareNumber(op, v, number);
    }
    default:
      throw new Error(`internal: ${test.k} on a number`);
  }
}

export interface BindContext {
  readonly header: Header;
  readonly classifier: Classifier;
  readonly bucketing: Bucketing;
}

/** Bind a plan to a header. The classifier must have read() the record before the test runs. */
export function compilePlan(plan: Plan, ctx: BindContext): RecordTest {
  switch (plan.k) {
    case 'and': {
      const a = compilePlan(plan.a, ctx);
      const b = compilePlan(plan.b, ctx);
      return (v) => a(v) && b(v);
    }
    case 'or': {
      const a = compilePlan(plan.a, ctx);
      const b = compilePlan(plan.b, ctx);
      return (v) => a(v) || b(v);
    }
    case 'not': {
      const a = compilePlan(plan.a, ctx);
      return (v) => !a(v);
    }
    case 'test':
      return bindTest(plan, ctx);
  }
}

function bindTest(plan: Extract<Plan, { k: 'test' }>, ctx: BindContext): RecordTest {
  const cls = ctx.classifier;
  const { field, kind, test } = plan;
  switch (kind) {
    case 'latency': {
      const t = numberTest(test);
      return (view) => {
        const s = cls.latency(view);
        return t(s < 0 ? Number.NaN : s);
      };
    }
    case 'hard': {
      if (test.k === 'truthy') return (view) => cls.hard(view);
      const t = numberTest(test);
      return (view) => t(cls.hard(view) ? 1 : 0);
    }
    case 'derived': {
      const t = stringTest(test);
      switch (field.name) {
        case 'isp':
          return (view) => t(cls.isp(view));
        case 'domain':
          return (view) => t(cls.domain(view));
        case 'outcome':
          return (view) => t(cls.outcome(view));
        case 'job':
          return (view) => t(cls.job(view));
        default:
          return (view) => t(cls.diag(view));
      }
    }
    case 'time':
      if (field.bucket) {
        const t = numberTest(test);
        const bucketing = ctx.bucketing;
        return () => t(cls.timeSource === TimeSource.None ? Number.NaN : bucketing.start(cls.time));
      }
      break;
    default:
      break;
  }
  const c = ctx.header.col(field.column);
  const inner = columnTest(test, kind === 'time');
  if (field.name === 'ip') {
    return (view) => {
      locate(view, hasSendingIp(cls.type) ? c : -1);
      return inner(view);
    };
  }
  return (view) => {
    locate(view, c);
    return inner(view);
  };
}
