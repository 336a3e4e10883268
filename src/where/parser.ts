/**
 * The --where language (README, "Expressions"):
 *
 *   expr      := term ('or' term)*
 *   term      := factor ('and' factor)*
 *   factor    := 'not' factor | '(' expr ')' | predicate
 *   predicate := field                                   (true when the value is not empty)
 *              | field op value                          op: = != < <= > >=  (== and <> too)
 *              | field ['not'] 'in' '(' value {',' value} ')'
 *              | field ['not'] 'like' value               (glob: * any run, ? one character)
 *              | field ('~' | '!~') (/regex/flags | value)
 *   value     := word | 'string' | "string"
 *
 * Keywords are case-insensitive; a quoted keyword is a value.
 */
import type { CompareOp, Expr, FieldName, Literal } from './ast.js';
import { exprError } from './expr-error.js';
import { tokenize, type Token } from './lexer.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like']);

function keyword(t: Token, word: string): boolean {
  return t.kind === 'word' && t.text.toLowerCase() === word;
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the expression';
  if (t.kind === 'string') return `the string '${t.text}'`;
  if (t.kind === 'regex') return 'a regex';
  return `'${t.text}'`;
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly expr: string,
    private readonly option: string,
  ) {}

  private get peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private fail(t: Token, message: string): never {
    throw exprError(this.option, this.expr, t.pos, message);
  }

  parse(): Expr {
    if (this.peek.kind === 'end') this.fail(this.peek, 'the expression is empty');
    const e = this.or();
    const t = this.peek;
    if (t.kind !== 'end') {
      if (t.kind === ')') this.fail(t, "this ')' has no matching '('");
      this.fail(t, `expected 'and', 'or' or the end, found ${describe(t)}`);
    }
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (keyword(this.peek, 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.factor();
    while (keyword(this.peek, 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.factor() };
    }
    return left;
  }

  private factor(): Expr {
    const t = this.peek;
    if (keyword(t, 'not')) {
      this.next();
      return { kind: 'not', expr: this.factor() };
    }
    if (t.kind === '(') {
      this.next();
      const inner = this.or();
      if (this.peek.kind !== ')') {
        if (this.peek.kind === 'end') this.fail(t, "this '(' is never closed");
        this.fail(this.peek, `expected ')' or 'and'/'or', found ${describe(this.peek)}`);
      }
      this.next();
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Expr {
    const t = this.next();
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) this.fail(t, `expected a field name, found ${describe(t)}`);
    const field: FieldName = { name: t.text, pos: t.pos };
    const p = this.peek;
    if (p.kind === 'op') {
      this.next();
      if (p.text === '~' || p.text === '!~') return this.regex(field, p, p.text === '!~');
      return { kind: 'compare', field, op: p.text as CompareOp, value: this.value(p) };
    }
    let negate = false;
    if (keyword(p, 'not')) {
      const after = this.tokens[this.i + 1];
      if (keyword(after, 'in') || keyword(after, 'like')) {
        this.next();
        negate = true;
      }
    }
    if (keyword(this.peek, 'in')) {
      this.next();
      const open = this.next();
      if (open.kind !== '(') this.fail(open, `expected '(' after 'in', found ${describe(open)}`);
      const values: Literal[] = [this.value(open)];
      while (this.peek.kind === ',') values.push(this.value(this.next()));
      const close = this.next();
      if (close.kind === 'end') this.fail(open, "this '(' is never closed");
      if (close.kind !== ')') this.fail(close, `expected ',' or ')' in the list, found ${describe(close)}`);
      return { kind: 'in', field, values, negate };
    }
    if (keyword(this.peek, 'like')) {
      const like = this.next();
      return { kind: 'like', field, pattern: this.value(like), negate };
    }
    return { kind: 'truthy', field };
  }

  private value(after: Token): Literal {
    const t = this.next();
    if (t.kind === 'string') return { text: t.text, quoted: true, pos: t.pos };
    if (t.kind === 'word' && !(t.text.toLowerCase() === 'and' || t.text.toLowerCase() === 'or')) {
      return { text: t.text, quoted: false, pos: t.pos };
    }
    return this.fail(t, `expected a value after ${describe(after)}, found ${describe(t)}`);
  }

  private regex(field: FieldName, op: Token, negate: boolean): Expr {
    const t = this.next();
    if (t.kind === 'regex') return { kind: 'regex', field, source: t.text, flags: t.flags, pos: t.pos, negate };
    if (t.kind === 'string' || t.kind === 'word') return { kind: 'regex', field, source: t.text, flags: '', pos: t.pos, negate };
    return this.fail(t, `expected a regex after ${describe(op)}, found ${describe(t)}`);
  }
}

export function parseExpression(expr: string, option = '--where'): Expr {
  return new Parser(tokenize(expr, option), expr, option).parse();
}
