/**
 * The --where language (src/where/: parsed and checked once, the same plan the file reader binds)
 * compiled to a ClickHouse condition over the `records` table, with the same meaning:
 *
 * - values never enter the SQL text. ClickHouse 18.16 has no query parameters, so every literal
 *   (strings, numbers, column names, regexes, recipient hashes) becomes a row of a temporary table
 *   `LITERALS` (i, s, n) in the query's session, filled as JSONEachRow data; the condition reads it
 *   through scalar subqueries (`(SELECT s FROM literals WHERE i = 3)`) and IN subqueries;
 * - column equality ignores ASCII case (`lower`, ASCII-only in ClickHouse, as the reader folds
 *   bytes); derived strings compare lower-cased (`lowerUTF8`); a number or time compared with a
 *   value that is not one is false, whatever the operator, as over files;
 * - `like` globs become anchored RE2 over the ASCII-folded value; regexes are translated by
 *   regex-re2.ts or refused with the column of the regex in the expression;
 * - `rcpt = 'x@y'` (and `in`) compares the keyed hash of the literal with `rcpt_hash`; other tests
 *   of rcpt read the address stored in clear (empty unless loaded with --store-addresses);
 * - `bucket` is refused (its meaning depends on --bucket and --tz: use --since/--until).
 */
import type { FieldRef } from '../classify/fields.js';
import { PmtaAcctError } from '../errors.js';
import { exprError } from '../where/expr-error.js';
import type { Glob } from '../where/bytes.js';
import type { Plan, PreparedFilter, Test } from '../where/plan.js';
import { MAX_REGEX_INPUT } from '../where/safe-regex.js';
import type { HeaderIndex } from './header-index.js';
import type { Literals } from './literals.js';
import { HOST_FIELD, columnSql } from './records-sql.js';
import { toRe2 } from './regex-re2.js';

const NUMBER_RE = '^ *[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+) *$';

/** Typed column of a derived string field. */
const DERIVED_COLUMN: Readonly<Record<string, string>> = { isp: 'isp', domain: 'domain', outcome: 'outcome', job: 'job', diag: 'diag' };

export interface WhereContext {
  readonly filter: PreparedFilter;
  readonly lits: Literals;
  /** Where each header column is in a row (header-index.ts). */
  readonly headers: HeaderIndex;
  /** The keyed hash of a recipient address (recipient-hash.ts), or null without a key. */
  readonly hashRecipient: ((address: string) => string) | null;
  readonly option?: string;
}

class Compiler {
  constructor(private readonly ctx: WhereContext) {}

  private fail(pos: number, message: string): never {
    throw exprError(this.ctx.option ?? '--where', this.ctx.filter.text, pos, message);
  }

  compile(plan: Plan): string {
    switch (plan.k) {
      case 'and':
        return `(${this.compile(plan.a)} AND ${this.compile(plan.b)})`;
      case 'or':
        return `(${this.compile(plan.a)} OR ${this.compile(plan.b)})`;
      case 'not':
        return `(NOT ${this.compile(plan.a)})`;
      case 'test':
        return this.test(plan.field, plan.kind, plan.test);
    }
  }

  /** The value of a header column by its lower-case name ('' when the record has none). */
  private column(name: string, test: Test): string {
    // `type` holds the code in lower case (the cell as written for unknown types): equal under folding
    if (name === 'type' && (test.k === 'eq' || test.k === 'truthy')) return 'type';
    return columnSql(name, this.ctx.lits, this.ctx.headers);
  }

  private test(field: FieldRef, kind: Extract<Plan, { k: 'test' }>['kind'], test: Test): string {
    const lits = this.ctx.lits;
    if (field.bucket)
      this.fail(
        this.pos(field),
        "'bucket' in --where is not translated for ClickHouse (it depends on --bucket and --tz): use --since and --until",
      );
    if (kind === 'latency') return this.numberTest('latency', 'latency >= 0', test);
    if (kind === 'hard') return test.k === 'truthy' ? 'hard = 1' : this.numberTest('toFloat64(hard)', '1', test);
    if (kind === 'time' && test.k !== 'like' && test.k !== 'regex') {
      const t = this.ctx.headers.time(field.column, lits);
      return this.numberTest(t.value, t.present, test);
    }
    if (kind === 'derived') return this.stringTest(DERIVED_COLUMN[field.name] ?? 'diag', test, true);
    if (field.column === 'rcpt') return this.recipient(test);
    const value = field.name === 'ip' ? 'ip' : field.column === HOST_FIELD ? 'host' : this.column(field.column, test);
    return this.stringTest(value, test, false);
  }

  private pos(field: FieldRef): number {
    const at = this.ctx.filter.text.toLowerCase().indexOf(field.name.toLowerCase());
    return at < 0 ? 0 : at;
  }

  private numberTest(value: string, present: string, test: Test): string {
    const lits = this.ctx.lits;
    switch (test.k) {
      case 'truthy':
        return present;
      case 'eq':
        return `(${present} AND ${value} ${inSet(test.negate)} ${lits.numSet(test.numbers)})`;
      case 'order':
        return `(${present} AND ${value} ${test.op} ${lits.num(test.number)})`;
      default:
        throw new PmtaAcctError('INTERNAL', `${test.k} on a number`);
    }
  }

  /** A test of a string value: a header column's (ASCII case folded) or a derived one's (lower-cased). */
  private stringTest(value: string, test: Test, derived: boolean): string {
    const lits = this.ctx.lits;
    switch (test.k) {
      case 'truthy':
        return `${value} != ''`;
      case 'eq': {
        const folded = derived ? `lowerUTF8(${value})` : `lower(${value})`;
        return `${folded} ${inSet(test.negate)} ${lits.strSet(derived ? test.strings : test.bytes.map((b) => Buffer.from(b).toString('utf8')))}`;
      }
      case 'order': {
        if (!test.numeric) return `${value} ${test.op} ${lits.str(test.text)}`;
        return `(match(${value}, ${lits.str(NUMBER_RE)}) AND toFloat64OrZero(replaceRegexpAll(${value}, '^ +| +$', '')) ${test.op} ${lits.num(test.number)})`;
      }
      case 'like': {
        const m = `match(lower(substringUTF8(${value}, 1, ${MAX_REGEX_INPUT})), ${lits.str(globRe2(test.glob))})`;
        return test.negate ? `(NOT ${m})` : m;
      }
      case 'regex': {
        const { re, lower } = test.regex;
        const t = toRe2(re.source, re.flags);
        if (!t.ok) this.fail(this.regexPos(re.source), `this regex cannot run in ClickHouse with the same matches: ${t.why}`);
        const text = `substringUTF8(${value}, 1, ${MAX_REGEX_INPUT})`;
        const m = `match(${lower ? `lowerUTF8(${text})` : text}, ${lits.str(t.re2)})`;
        return test.negate ? `(NOT ${m})` : m;
      }
    }
  }

  /** Where the regex is written (its source is lower-cased for the i flag: searched so). */
  private regexPos(source: string): number {
    const at = this.ctx.filter.text.toLowerCase().indexOf(`/${source.toLowerCase()}/`);
    return at < 0 ? 0 : at;
  }

  /** rcpt: = and in by keyed hash; other tests on the address kept in clear (--store-addresses). */
  private recipient(test: Test): string {
    if (test.k !== 'eq') return this.stringTest('rcpt', test, false);
    const hash = this.ctx.hashRecipient;
    if (hash === null)
      throw new PmtaAcctError(
        'USAGE',
        '--where rcpt = ... over ClickHouse needs the recipient hash key the records were loaded with (--hash-key-file)',
      );
    const hashes = test.strings.map(hash);
    return `rcpt_hash ${inSet(test.negate)} ${this.ctx.lits.strSet(hashes)}`;
  }
}

/**
 * GLOBAL IN: the set is read once, where the query starts, and sent with it to every shard of a
 * Distributed table (the session's literals table exists only there); over a plain table it is IN.
 */
function inSet(negate: boolean): string {
  return negate ? 'GLOBAL NOT IN' : 'GLOBAL IN';
}

function escapeRe2(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/** A glob (ASCII-folded literal bytes, `*`, `?`) as an anchored RE2 regex over the folded text. */
export function globRe2(glob: Glob): string {
  let out = '(?s)^';
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) out += escapeRe2(Buffer.from(run).toString('utf8'));
    run = [];
  };
  for (let i = 0; i < glob.kinds.length; i++) {
    const k = glob.kinds[i];
    if (k === 0) {
      run.push(glob.bytes[i]);
      continue;
    }
    flush();
    out += k === 1 ? '.*' : '.';
  }
  flush();
  return `${out}$`;
}

/** A prepared --where filter's condition (its literals added to `lits`) as the AND of a cheap part and a costly one ('1' when it has none). */
export interface WhereParts {
  readonly cheap: string;
  readonly costly: string;
}

/** What makes a test costly per record: a regex (like, ~) or a read of the wide cells. */
const COSTLY = /\bmatch\(|\bdsn_diag\b|\bcol_values\b/;

/**
 * The condition split at its top-level ANDs: the tests of narrow typed columns (isp, type, job,
 * a hash) are cheap, the regexes and the wide cells (dsnDiag, the header's cells) costly. The
 * cheap part goes in PREWHERE, read for every record in range; the costly part in WHERE, run only
 * on the records the cheap part kept: `isp = gmail and type in (b, t) and dsnDiag ~ /5\.7\./`
 * took a third of the server's time split so (0.17-0.30 s against 0.68-1.0 s for 700,000
 * records). A condition with no cheap conjunct stays whole in PREWHERE (there it still spares the
 * other columns of the granules it rules out). The SQL holds no value of the user's (literals
 * are data), so its text tells which columns a test reads.
 */
export function whereParts(ctx: WhereContext): WhereParts {
  const compiler = new Compiler(ctx);
  const conjuncts: Plan[] = [];
  const flatten = (plan: Plan): void => {
    if (plan.k === 'and') {
      flatten(plan.a);
      flatten(plan.b);
    } else conjuncts.push(plan);
  };
  flatten(ctx.filter.plan);
  const sql = conjuncts.map((c) => compiler.compile(c));
  const cheap = sql.filter((c) => !COSTLY.test(c));
  const costly = sql.filter((c) => COSTLY.test(c));
  if (cheap.length === 0 || costly.length === 0) return { cheap: sql.join(' AND '), costly: '1' };
  return { cheap: cheap.join(' AND '), costly: costly.join(' AND ') };
}
