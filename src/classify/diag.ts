/**
 * Diagnostic templates: dsnDiag with its variable parts masked, so that the thousands of distinct
 * texts a provider returns in a day collapse into the few reasons they are. Gmail appends a
 * transaction id to every reply, Microsoft a front-end host, a timestamp and a hex id, GMX a case
 * URL with the sending IP in its query string; masked, each becomes one template per reason.
 *
 * The rules (README, "Diagnostic templates"), applied to whitespace-separated chunks, which are
 * split further at the separators [ ] ( ) { } < > , ; " ' = | (a token's trailing . : ! ? are kept
 * as they are):
 *   - runs of whitespace become one space;
 *   - a URL (`scheme://...`) keeps its scheme, host, path and #fragment; its query string
 *     becomes `?{query}`;
 *   - a token with an `@` inside is an e-mail address (or a Message-ID): `{email}`;
 *   - IPv4 (with an optional :port) and IPv6 addresses: `{ip}`;
 *   - the SMTP reply code (the first numeric token: `550`, `421`; its repeats and `550-5.1.1`
 *     continuation prefixes of flattened multi-line replies) and enhanced status codes (`5.7.1`,
 *     `4.7.28`) are kept: they are the reason;
 *   - upper-case reason codes (`S3140`, `TSS04`, `OFR004_104`, `CS01`) are kept;
 *   - other numbers, times and dates: `{n}`; but a run of 10+ digits is an id (`{id}`), so that a
 *     hex id that happens to hold no letter masks like its siblings;
 *   - a host name (dotted, ending in an alphabetic top-level label): each label holding a digit
 *     becomes `*` (`mta1234.mail.gq1.yahoo.com` → `*.mail.*.yahoo.com`);
 *   - any other token holding a digit (queue ids, transaction ids, hex ids): `{id}`; so is a
 *     letters-only token of 10+ letters that reads like a random id rather than a CamelCase word
 *     (see isRandomLetters).
 * A template is at most 1,024 bytes (then `…`).
 *
 * `DiagMasker` works on bytes without allocating (the per-record path); `diagTemplate` is the
 * string form, cached per distinct text, for renderers.
 */
import {
  AT,
  bytesOf,
  CLASS,
  COLON,
  DIGIT,
  DOT,
  HASH,
  isAlpha,
  isContinuation,
  isDigit,
  isEnhancedCode,
  isHostName,
  isIpv4,
  isIpv6,
  isNumberLike,
  isRandomLetters,
  isReasonCode,
  isReplyCode,
  LOWER,
  NOT_V6,
  QUESTION,
  QUOTE,
  SEP,
  SLASH,
  SPACE,
  startsWith,
  TRAIL,
  UPPER,
  URL_TRAIL,
  WS,
} from './diag-tokens.js';

const MAX_TEMPLATE = 1024;
const ELLIPSIS = [0xe2, 0x80, 0xa6];
const P_QUERY = bytesOf('?{query}');
const P_EMAIL = bytesOf('{email}');
const P_IP = bytesOf('{ip}');
const P_N = bytesOf('{n}');
const P_ID = bytesOf('{id}');
const IPV6_PREFIX = bytesOf('IPv6:');

/**
 * One pass over the text, one table lookup per byte, no allocation: about 1 µs for the sample
 * day's texts (100 bytes on average) on this project's machine, three times a bare loop over the
 * same bytes (measured with a micro-benchmark while writing it; `--group-by diag` in
 * docs/architecture.md).
 */
export class DiagMasker {
  /** The last template: out[0 .. length returned by mask()). */
  out = new Uint8Array(4096);
  private o = 0;
  /** No numeric token seen yet: the next one may be the reply code. */
  private first = true;
  /** The reply code (3 digits as one number), or -1: repeats of it are kept too. */
  private code = -1;
  /** Unescaped copy of a quoted cell. */
  private scratch = new Uint8Array(512);

  /**
   * Template of the CSV cell src[a..b) (quoted or not); returns its length in `out`. A quoted
   * cell is unquoted first ("" → ").
   */
  maskCell(src: Uint8Array, a: number, b: number): number {
    if (b - a >= 2 && src[a] === QUOTE) {
      if (this.scratch.length < b - a) this.scratch = new Uint8Array(2 * (b - a));
      const t = this.scratch;
      let n = 0;
      for (let i = a + 1; i < b - 1; i++) {
        t[n++] = src[i];
        if (src[i] === QUOTE && src[i + 1] === QUOTE) i++;
      }
      return this.mask(t, 0, n);
    }
    return this.mask(src, a, b);
  }

  /** Template of the text in src[a..b); returns its length in `out`. */
  mask(s: Uint8Array, a: number, b: number): number {
    // a placeholder is at most 4x the bytes it replaces ('1' -> '{n}', '@' never alone): no bound checks below
    const need = 4 * (b - a) + 16;
    if (this.out.length < need) this.out = new Uint8Array(need);
    const out = this.out;
    this.o = 0;
    this.first = true;
    this.code = -1;
    let i = a;
    while (i < b) {
      const k = CLASS[s[i]];
      if ((k & WS) !== 0) {
        while (i < b && (CLASS[s[i]] & WS) !== 0) i++;
        if (i < b && this.o > 0) out[this.o++] = SPACE;
        continue;
      }
      if ((k & SEP) !== 0) {
        out[this.o++] = s[i++];
        continue;
      }
      i = this.token(s, i, b);
    }
    let o = this.o;
    if (o > MAX_TEMPLATE) {
      o = MAX_TEMPLATE;
      while (o > 0 && (out[o] & 0xc0) === 0x80) o--;
      for (const e of ELLIPSIS) out[o++] = e;
    }
    return o;
  }

  private copy(s: Uint8Array, a: number, b: number): void {
    const out = this.out;
    let o = this.o;
    for (let i = a; i < b; i++) out[o++] = s[i];
    this.o = o;
  }

  private emit(p: Uint8Array): void {
    const out = this.out;
    let o = this.o;
    for (let i = 0; i < p.length; i++) out[o++] = p[i];
    this.o = o;
  }

  /** A token from a (up to white space or a separator, or a whole URL); returns where it ended. */
  private token(s: Uint8Array, a: number, b: number): number {
    let digits = 0;
    let at = -1;
    let colons = 0;
    let notV6 = 0;
    let letters = 0;
    let cases = 0;
    let j = a;
    for (; j < b; j++) {
      const c = s[j];
      const k = CLASS[c];
      if ((k & (WS | SEP)) !== 0) break;
      if ((k & DIGIT) !== 0) digits++;
      else if (c === COLON) {
        if (s[j + 1] === SLASH && s[j + 2] === SLASH && j + 2 < b) return this.url(s, a, j, b);
        colons++;
      } else if (c === AT && j > a) at = j;
      notV6 |= k & NOT_V6;
      if ((k & (UPPER | LOWER)) !== 0) letters++;
      cases |= k & (UPPER | LOWER);
    }
    let end = j;
    while (end > a && (CLASS[s[end - 1]] & TRAIL) !== 0) end--;
    if (end > a) {
      if (digits === 0 && at < 0 && !(letters >= 10 && cases === (UPPER | LOWER))) this.copy(s, a, end);
      else this.word(s, a, end, digits, at >= 0 && at < end - 1, colons >= 2 && notV6 === 0);
    }
    this.copy(s, end, j);
    return j;
  }

  /** A URL whose scheme ends at `colon`: scheme, host, path and #fragment kept, the query masked. */
  private url(s: Uint8Array, a: number, colon: number, b: number): number {
    let start = colon;
    while (start > a && isAlpha(s[start - 1])) start--;
    if (start > a) this.word(s, a, start, 0, false, false);
    let j = colon;
    while (j < b && (CLASS[s[j]] & WS) === 0) j++;
    let end = j;
    while (end > colon + 3 && URL_TRAIL[s[end - 1]] === 1) end--;
    let q = start;
    while (q < end && s[q] !== QUESTION && s[q] !== HASH) q++;
    this.copy(s, start, q);
    if (q < end && s[q] === QUESTION) {
      this.emit(P_QUERY);
      while (q < end && s[q] !== HASH) q++;
    }
    this.copy(s, q, end);
    this.copy(s, end, j);
    return j;
  }

  /** A token without trailing punctuation that holds a digit or an @, or looks random. */
  private word(s: Uint8Array, a: number, b: number, digits: number, email: boolean, v6chars: boolean): void {
    if (email) {
      this.emit(P_EMAIL);
      return;
    }
    if (startsWith(s, a, b, IPV6_PREFIX) && isIpv6(s, a + IPV6_PREFIX.length, b)) {
      this.copy(s, a, a + IPV6_PREFIX.length);
      this.emit(P_IP);
      return;
    }
    if (digits === 0) {
      if (isRandomLetters(s, a, b)) this.emit(P_ID);
      else this.copy(s, a, b);
      return;
    }
    if (isIpv4(s, a, b) || (v6chars && isIpv6(s, a, b))) {
      this.first = false;
      this.emit(P_IP);
      return;
    }
    const first = this.first;
    this.first = false;
    const reply = isReplyCode(s, a, b);
    if (reply || isContinuation(s, a, b)) {
      const code = (s[a] - 48) * 100 + (s[a + 1] - 48) * 10 + (s[a + 2] - 48);
      if (first) this.code = code;
      if (!reply || code === this.code) {
        this.copy(s, a, b);
        return;
      }
    }
    if (isEnhancedCode(s, a, b)) {
      this.copy(s, a, b);
      return;
    }
    if (isNumberLike(s, a, b)) {
      this.emit(digits >= 10 && digits === b - a ? P_ID : P_N);
      return;
    }
    if (isReasonCode(s, a, b)) {
      this.copy(s, a, b);
      return;
    }
    if (isHostName(s, a, b)) {
      this.host(s, a, b);
      return;
    }
    this.emit(P_ID);
  }

  /** A host name with every label that holds a digit replaced by `*`. */
  private host(s: Uint8Array, a: number, b: number): void {
    let i = a;
    while (i < b) {
      let j = i;
      let digit = false;
      while (j < b && s[j] !== DOT) {
        if (isDigit(s[j])) digit = true;
        j++;
      }
      if (digit) this.out[this.o++] = 42;
      else this.copy(s, i, j);
      if (j < b) this.out[this.o++] = DOT;
      i = j + 1;
    }
  }
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, string>();
const shared = new DiagMasker();

/**
 * The template of a diagnostic text (see the rules above). Pure; results are cached per distinct
 * text (the cache is dropped when it reaches 20,000 entries, so memory stays bounded).
 */
export function diagTemplate(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const bytes = Buffer.from(text, 'utf8');
  const n = shared.mask(bytes, 0, bytes.length);
  const template = Buffer.from(shared.out.buffer, shared.out.byteOffset, n).toString('utf8');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, template);
  return template;
}
