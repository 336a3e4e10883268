/**
 * Tokens of a --where expression. Words are field names, bare values and keywords (and, or, not,
 * in, like); strings are quoted with ' or " (a backslash escapes the next character); a regex
 * literal `/.../flags` may follow `~` or `!~`.
 */
import { exprError } from './expr-error.js';

export type TokenKind = 'word' | 'string' | 'regex' | 'op' | '(' | ')' | ',' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The word, the unescaped string, the regex source, or the operator. */
  readonly text: string;
  /** Regex flags. */
  readonly flags: string;
  readonly pos: number;
}

const OPERATORS = ['==', '!=', '<>', '<=', '>=', '!~', '=', '<', '>', '~'];
/** Characters that end a word (besides white space). */
const BREAK = new Set(['(', ')', ',', '=', '!', '<', '>', '~', '"', "'"]);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

export function tokenize(expr: string, option = '--where'): Token[] {
  const out: Token[] = [];
  let i = 0;
  const tok = (kind: TokenKind, text: string, pos: number, flags = '') => out.push({ kind, text, flags, pos });
  while (i < expr.length) {
    const c = expr[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tok(c, c, i++);
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i++;
      let text = '';
      while (i < expr.length && expr[i] !== c) {
        if (expr[i] === '\\' && i + 1 < expr.length) i++;
        text += expr[i++];
      }
      if (i >= expr.length) throw exprError(option, expr, start, `this ${c === '"' ? 'double' : 'single'} quote is never closed`);
      i++;
      tok('string', text, start);
      continue;
    }
    const last = out.length > 0 ? out[out.length - 1] : undefined;
    if (c === '/' && last?.kind === 'op' && (last.text === '~' || last.text === '!~')) {
      const start = i++;
      let source = '';
      let inClass = false;
      while (i < expr.length && (expr[i] !== '/' || inClass)) {
        if (expr[i] === '\\' && i + 1 < expr.length) {
          source += expr[i] + expr[i + 1];
          i += 2;
          continue;
        }
        if (expr[i] === '[') inClass = true;
        else if (expr[i] === ']') inClass = false;
        source += expr[i++];
      }
      if (i >= expr.length) throw exprError(option, expr, start, 'this regex is never closed (a / is missing)');
      i++;
      let flags = '';
      while (i < expr.length && /[a-z]/i.test(expr[i])) flags += expr[i++];
      tok('regex', source, start, flags);
      continue;
    }
    const op = OPERATORS.find((o) => expr.startsWith(o, i));
    if (op !== undefined) {
      tok('op', op === '==' ? '=' : op === '<>' ? '!=' : op, i);
      i += op.length;
      continue;
    }
    if (c === '!') throw exprError(option, expr, i, "unexpected '!' (use 'not', '!=' or '!~')");
    const start = i;
    while (i < expr.length && !isSpace(expr[i]) && !BREAK.has(expr[i])) i++;
    tok('word', expr.slice(start, i), start);
  }
  tok('end', '', expr.length);
  return out;
}
