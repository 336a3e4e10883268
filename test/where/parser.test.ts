import { describe, expect, it } from 'vitest';
import { PmtaAcctError } from '../../src/errors.js';
import type { Expr } from '../../src/where/ast.js';
import { parseExpression } from '../../src/where/parser.js';
import { prepareFilter } from '../../src/where/plan.js';

/** A compact rendering of the tree: precedence and operators at a glance. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not':
      return `not ${show(e.expr)}`;
    case 'compare':
      return `${e.field.name}${e.op}${e.value.quoted ? `'${e.value.text}'` : e.value.text}`;
    case 'in':
      return `${e.field.name} ${e.negate ? 'not in' : 'in'} [${e.values.map((v) => v.text).join('|')}]`;
    case 'like':
      return `${e.field.name} ${e.negate ? 'not like' : 'like'} ${e.pattern.text}`;
    case 'regex':
      return `${e.field.name}${e.negate ? '!~' : '~'}/${e.source}/${e.flags}`;
    case 'truthy':
      return e.field.name;
  }
}

describe('--where grammar', () => {
  it.each([
    ['isp = gmail', 'isp=gmail'],
    ['isp == gmail and type != b', '(isp=gmail and type!=b)'],
    ['a = 1 or b = 2 and c = 3', '(a=1 or (b=2 and c=3))'],
    ['(a = 1 or b = 2) and c = 3', '((a=1 or b=2) and c=3)'],
    ['not a = 1 and b', '(not a=1 and b)'],
    ['not (a = 1 or b <> 2)', 'not (a=1 or b!=2)'],
    ['NOT hard AND latency >= 3600 OR Latency < 2', '((not hard and latency>=3600) or Latency<2)'],
    ["type in (b, t,'tq')", 'type in [b|t|tq]'],
    ['type not in (d)', 'type not in [d]'],
    ["rcpt like '*@gmail.*'", 'rcpt like *@gmail.*'],
    ['domain not like *.fr', 'domain not like *.fr'],
    ['dsnDiag ~ /rate limit(ed)?/i', 'dsnDiag~/rate limit(ed)?/i'],
    ["dsnDiag !~ 'a/b'", 'dsnDiag!~/a/b/'],
    ['dsnDiag ~ /a\\/b [/]/', 'dsnDiag~/a\\/b [/]/'],
    ['ip = 203.0.113.14', 'ip=203.0.113.14'],
    ['ip = 2001:db8::1', 'ip=2001:db8::1'],
    ['queue = gmail.com/gm-01', 'queue=gmail.com/gm-01'],
    ["header_X-job = 'cmp-01' and dlvSize>1000", "(header_X-job='cmp-01' and dlvSize>1000)"],
    ['rcpt = "it\'s \\"q\\"@x"', "rcpt='it's \"q\"@x'"],
    ["isp = 'and'", "isp='and'"],
  ])('%s', (text, tree) => {
    expect(show(parseExpression(text))).toBe(tree);
  });
});

/** The message, and the column the caret points at (1-based), of a bad expression. */
function failure(text: string): { message: string; column: number } {
  try {
    prepareFilter(text, { tz: 'UTC', now: 1_795_800_000 });
  } catch (err) {
    if (!(err instanceof PmtaAcctError)) throw err;
    expect(err.code).toBe('USAGE');
    const [first, shown, caret] = err.message.split('\n');
    expect(shown).toBe(`  ${text.replace(/[\u0000-\u001f]/g, ' ')}`);
    const column = caret.indexOf('^') - 1;
    expect(first).toContain(`(column ${column})`);
    return { message: first, column };
  }
  throw new Error(`'${text}' was accepted`);
}

describe('--where errors point at the column', () => {
  it.each([
    ['', 1, 'the expression is empty'],
    ['isp =', 6, "expected a value after '='"],
    ['isp = gmail and', 16, 'expected a field name'],
    ['isp = gmail and (type = b or', 29, 'expected a field name'],
    ['(isp = gmail', 1, "'(' is never closed"],
    ['isp = gmail)', 12, "')' has no matching '('"],
    ['isp = gmail type = b', 13, "expected 'and', 'or' or the end"],
    ["isp = 'gmail", 7, 'quote is never closed'],
    ['dsnDiag ~ /abc', 11, 'regex is never closed'],
    ['type in b, t', 9, "expected '(' after 'in'"],
    ['type in (b, t', 9, "'(' is never closed"],
    ['type in (b t)', 12, "expected ',' or ')'"],
    ['isp & gmail', 5, "expected 'and', 'or' or the end"],
    ['isp ! gmail', 5, "unexpected '!'"],
    ['= gmail', 1, 'expected a field name'],
    ['and = 1', 1, 'expected a field name'],
    ['dsnDiag ~ /(a+/', 11, 'not a valid regex'],
    ['dsnDiag ~ /(a)\\1/', 11, 'needs a backtracking engine'],
    ['dsnDiag ~ /(?=x)y/', 11, 'needs a backtracking engine'],
    ['dsnDiag ~ /x/g', 11, "flag 'g' is not allowed"],
    ['latency > soon', 11, 'not a number of seconds or a duration'],
    ['hard = maybe', 8, 'hard is true or false'],
    ['hard > 1', 8, 'does not apply to hard'],
    ['outcome = bounce', 11, 'outcome is one of'],
    ["timeLogged >= 'noon'", 15, 'is not a time'],
    ['bucket = tomorrow-ish', 10, 'is not a time'],
    ['latency like 1*', 1, "'like' needs a text field"],
    ['bucket ~ x', 1, "'~' needs a text field"],
    ['dlvSize > 10k', 11, "'10k' is not a number here: write 10000, or quote it ('10k') to compare as text"],
    ['dlvSize >= 1.5M', 12, 'write 1500000'],
    ['dlvSize < 1e4', 11, 'write 10000'],
  ])('%s', (text, column, message) => {
    const f = failure(text);
    expect(f.column).toBe(column);
    expect(f.message).toContain(message);
  });

  it('shows control characters as spaces so the caret stays aligned', () => {
    expect(failure('isp =\t').column).toBe(7);
  });
});
