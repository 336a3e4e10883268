/**
 * User regexes run over hostile log text, so they must not be able to hang the process: `(a+)+b`
 * against 30 `a`s backtracks for minutes in a backtracking engine, and a remote server chooses
 * the text. Three defences:
 *   1. V8's linear-time regex engine (no backtracking) is enabled as the fallback for any regex
 *      that backtracks too much (`--enable-experimental-regexp-engine-on-excessive-backtracks`),
 *      so ordinary regexes keep the fast engine and a catastrophic one finishes in linear time;
 *   2. a regex the linear engine cannot run is refused: back-references, lookaround, counted
 *      repetition above about {1,10}, the u flag. The i flag is not supported by that engine
 *      either, so /re/i is run as the lower-cased regex (outside escapes) over lower-cased text;
 *   3. a regex sees at most the first MAX_REGEX_INPUT characters of a value.
 * Only the flags i, m and s are accepted (g and y would make test() stateful).
 */
import { setFlagsFromString } from 'node:v8';
import { messageOf } from '../errors.js';

export const MAX_REGEX_INPUT = 8192;

let linear: boolean | null = null;

/** Turn the linear-time fallback on (once per process: the flags are process-wide). */
export function linearRegexSupported(): boolean {
  if (linear !== null) return linear;
  setFlagsFromString('--enable-experimental-regexp-engine');
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  try {
    // eslint-disable-next-line no-invalid-regexp -- the probe: 'l' (linear) exists only once the flag above is set
    new RegExp('a', 'l');
    linear = true;
  } catch {
    linear = false;
  }
  return linear;
}

export interface UserRegex {
  readonly re: RegExp;
  /** Test lower-cased text (the i flag, applied by lower-casing the regex). */
  readonly lower: boolean;
}

/** ASCII letters outside escapes in lower case: /Gmail [A-Z]\S/ → /gmail [a-z]\S/. */
function lowerOutsideEscapes(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\' && i + 1 < source.length) {
      out += source[i] + source[i + 1];
      i++;
      continue;
    }
    out += source[i].toLowerCase();
  }
  return out;
}

/** A compiled user regex, or the reason it is refused. */
export function compileRegex(source: string, flags: string): UserRegex | string {
  for (const f of flags) {
    if (!'ims'.includes(f)) return `flag '${f}' is not allowed (use i, m or s)`;
  }
  if (new Set(flags).size !== flags.length) return 'a regex flag is repeated';
  try {
    new RegExp(source, flags);
  } catch (err) {
    return `not a valid regex (${messageOf(err).replace(/^Invalid regular expression: /, '')})`;
  }
  if (!linearRegexSupported()) return { re: new RegExp(source, flags), lower: false };
  const lower = flags.includes('i');
  const src = lower ? lowerOutsideEscapes(source) : source;
  const rest = flags.replace('i', '');
  try {
    new RegExp(src, `${rest}l`);
  } catch {
    return 'this regex needs a backtracking engine (back-references, lookaround or a large {m,n}), which hostile log text can keep busy for hours; rewrite it without them';
  }
  return { re: new RegExp(src, rest), lower };
}

/** The regex's text when it has no metacharacters: then it is searched for as bytes. */
export function plainLiteral(source: string): string | null {
  return /[\\^$.|?*+()[\]{}]/.test(source) ? null : source;
}
