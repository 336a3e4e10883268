/**
 * A --where regex (JavaScript syntax, as the file reader runs it) in ClickHouse's RE2 syntax, with
 * the same matches, or the reason it cannot be: RE2 and JavaScript agree on literals, classes,
 * groups, alternation, greedy and lazy quantifiers, ^ and $ (without the m flag), \d \w \b (ASCII
 * in both), but not on `.` (JavaScript also stops at \r, U+2028 and U+2029) or \s (JavaScript's
 * takes the Unicode spaces), so those two are spelt out. Refused: the m flag (JavaScript's lines
 * also end at \r), `[]` and `[^]`, back-references and lookaround (refused for files too), and
 * escapes RE2 reads otherwise (\c, \0, \k). The caller runs it over the first 8,192 characters of
 * the value, lower-cased when the regex was written with i (safe-regex.ts lowers the regex too).
 */

/** JavaScript's \s, as members of an RE2 class. */
const JS_SPACE = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

export type Translation = { readonly ok: true; readonly re2: string } | { readonly ok: false; readonly why: string };

const refuse = (why: string): Translation => ({ ok: false, why });

/** One escape at source[i] === '\\': its RE2 text (inClass: inside [...]), the characters it spans, or a refusal. */
function escape(source: string, i: number, inClass: boolean): { text: string; len: number } | string {
  const c = source[i + 1];
  if (c === undefined) return 'a regex cannot end with \\';
  if ('dDwW'.includes(c)) return { text: `\\${c}`, len: 2 };
  if (c === 'b' || c === 'B') return inClass ? 'RE2 has no \\b (backspace) in a class' : { text: `\\${c}`, len: 2 };
  if (c === 's') return { text: inClass ? JS_SPACE : `[${JS_SPACE}]`, len: 2 };
  if (c === 'S') return inClass ? '\\S inside [...] has no RE2 equivalent here' : { text: `[^${JS_SPACE}]`, len: 2 };
  if ('nrtf'.includes(c)) return { text: `\\${c}`, len: 2 };
  if (c === 'v') return { text: '\\x{0B}', len: 2 };
  if (c === 'x') {
    const h = /^[0-9a-fA-F]{2}/.exec(source.slice(i + 2));
    return h === null ? '\\x needs two hex digits' : { text: `\\x{${h[0]}}`, len: 4 };
  }
  if (c === 'u') {
    const h = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 2));
    return h === null ? '\\u needs four hex digits' : { text: `\\x{${h[0]}}`, len: 6 };
  }
  if (/[\\^$.|?*+()[\]{}/-]/.test(c)) return { text: `\\${c}`, len: 2 };
  return `the escape \\${c} has no RE2 equivalent`;
}

/** `source` (a JavaScript regex, flags without i: the caller lowers for i) in RE2, or a refusal. */
export function toRe2(source: string, flags: string): Translation {
  if (flags.includes('m')) return refuse('the m flag: ClickHouse (RE2) ends lines only at \\n, JavaScript also at \\r');
  const dotAll = flags.includes('s');
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length;) {
    const ch = source[i];
    if (ch === '\\') {
      const e = escape(source, i, inClass);
      if (typeof e === 'string') return refuse(e);
      out += e.text;
      i += e.len;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      else if (ch === '[') {
        out += '\\[';
        i++;
        continue;
      }
      out += ch;
      i++;
      continue;
    }
    if (ch === '[') {
      if (source.startsWith('[]', i) || source.startsWith('[^]', i)) return refuse('[] and [^] have no RE2 equivalent');
      inClass = true;
      out += '[';
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (ch === '.') {
      out += dotAll ? '(?s:.)' : DOT;
      i++;
      continue;
    }
    if (ch === '(' && source[i + 1] === '?') {
      if (source[i + 2] === ':') {
        out += '(?:';
        i += 3;
        continue;
      }
      if (source[i + 2] === '<' && /^[A-Za-z_]/.test(source[i + 3] ?? '')) {
        out += '(?P<';
        i += 3;
        continue;
      }
      return refuse('lookaround has no RE2 equivalent');
    }
    out += ch;
    i++;
  }
  return { ok: true, re2: out };
}
