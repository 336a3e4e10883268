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

const MAX_TEMPLATE = 1024;
const ELLIPSIS = [0xe2, 0x80, 0xa6];

const SPACE = 32;
const QUOTE = 34;
const DOT = 46;
const COLON = 58;
const SLASH = 47;
const AT = 64;
const HASH = 35;
const QUESTION = 63;
const DASH = 45;
const UNDERSCORE = 95;

/** Byte classes, as bits of one table lookup per byte. */
const WS = 1;
const SEP = 2;
const TRAIL = 4;
const DIGIT = 8;
const UPPER = 16;
const LOWER = 32;
/** Not a hex digit, ':' or '.' (IPv6 text is made of those only). */
const NOT_V6 = 64;
const CLASS = new Uint8Array(256).fill(NOT_V6);
for (const c of [9, 10, 11, 12, 13, 32]) CLASS[c] |= WS;
for (const c of '[](){}<>,;"\'=|') CLASS[c.charCodeAt(0)] |= SEP;
for (const c of '.:!?') CLASS[c.charCodeAt(0)] |= TRAIL;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER | (c <= 70 ? 0 : NOT_V6);
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER | (c <= 102 ? 0 : NOT_V6);
CLASS[DOT] &= ~NOT_V6;
CLASS[COLON] &= ~NOT_V6;
/** Bytes that may end a URL's text but are punctuation around it. */
const URL_TRAIL = new Uint8Array(256);
for (const c of '.,;:!?)]>\'"') URL_TRAIL[c.charCodeAt(0)] = 1;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isAlpha(c: number): boolean {
  return isUpper(c) || isLower(c);
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

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
    if (email) return this.emit(P_EMAIL);
    if (startsWith(s, a, b, IPV6_PREFIX) && isIpv6(s, a + IPV6_PREFIX.length, b)) {
      this.copy(s, a, a + IPV6_PREFIX.length);
      return this.emit(P_IP);
    }
    if (digits === 0) return isRandomLetters(s, a, b) ? this.emit(P_ID) : this.copy(s, a, b);
    if (isIpv4(s, a, b) || (v6chars && isIpv6(s, a, b))) {
      this.first = false;
      return this.emit(P_IP);
    }
    const first = this.first;
    this.first = false;
    const reply = isReplyCode(s, a, b);
    if (reply || isContinuation(s, a, b)) {
      const code = (s[a] - 48) * 100 + (s[a + 1] - 48) * 10 + (s[a + 2] - 48);
      if (first) this.code = code;
      if (!reply || code === this.code) return this.copy(s, a, b);
    }
    if (isEnhancedCode(s, a, b)) return this.copy(s, a, b);
    if (isNumberLike(s, a, b)) return this.emit(digits >= 10 && digits === b - a ? P_ID : P_N);
    if (isReasonCode(s, a, b)) return this.copy(s, a, b);
    if (isHostName(s, a, b)) return this.host(s, a, b);
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

const VOWEL = new Uint8Array(256);
for (const c of 'aeiouyAEIOUY') VOWEL[c.charCodeAt(0)] = 1;

/**
 * 10+ letters of both cases that read like a random id, not a CamelCase word (`QuotaExceeded`,
 * `RecipientNotFound`, `InternalId` are words): not CamelCase at all, or five consonants in a row,
 * four in a lower-case run, a single lower-case letter between capitals (`BnB`), capitals between
 * lower-case letters (`lZIZIAYk`), the case flipping on every third letter or more often. About 1
 * random 16-letter id in 1,300 still reads as a word (measured over 50,000 seeded ones);
 * `XMLHttpRequest` reads as an id.
 */
function isRandomLetters(s: Uint8Array, a: number, b: number): boolean {
  if (b - a < 10) return false;
  let flips = 0;
  let consonants = 0;
  let lowerConsonants = 0;
  let lowerRun = 0;
  let upperRun = 0;
  let afterLower = false;
  let last = 0;
  for (let i = a; i < b; i++) {
    const kase = CLASS[s[i]] & (UPPER | LOWER);
    if (kase === 0) return false;
    if (last !== 0 && kase !== last) flips++;
    const vowel = VOWEL[s[i]] === 1;
    consonants = vowel ? 0 : consonants + 1;
    if (consonants >= 5) return true;
    if (kase === LOWER) {
      if (upperRun >= 2 && afterLower) return true;
      lowerRun++;
      lowerConsonants = vowel ? 0 : lowerConsonants + 1;
      if (lowerConsonants >= 4) return true;
      upperRun = 0;
    } else {
      if (lowerRun === 1 && upperRun === 0 && i - 1 > a && (CLASS[s[i - 2]] & UPPER) !== 0) return true;
      afterLower = upperRun === 0 ? lowerRun > 0 : afterLower;
      upperRun++;
      lowerRun = 0;
      lowerConsonants = 0;
    }
    last = kase;
  }
  return flips * 3 >= b - a || !isCamelCase(s, a, b);
}

/** Capitals, lower case, then words of a capital and 2+ lower-case letters (a last one may have 1): `XMLHttpRequest`, `InternalId`. */
function isCamelCase(s: Uint8Array, a: number, b: number): boolean {
  let i = a;
  while (i < b && isUpper(s[i])) i++;
  while (i < b && isLower(s[i])) i++;
  while (i < b) {
    if (!isUpper(s[i])) return false;
    i++;
    const start = i;
    while (i < b && isLower(s[i])) i++;
    const n = i - start;
    if (n < 2 && !(n === 1 && i === b)) return false;
  }
  return true;
}

function startsWith(s: Uint8Array, a: number, b: number, p: Uint8Array): boolean {
  if (b - a <= p.length) return false;
  for (let i = 0; i < p.length; i++) if ((s[a + i] | 32) !== (p[i] | 32)) return false;
  return true;
}

/** `d.d.d.d` with 1-3 digits per part, optionally `:port`. */
function isIpv4(s: Uint8Array, a: number, b: number): boolean {
  let parts = 0;
  let i = a;
  while (i < b && parts < 4) {
    const start = i;
    while (i < b && isDigit(s[i])) i++;
    const n = i - start;
    if (n < 1 || n > 3) return false;
    parts++;
    if (parts < 4) {
      if (s[i] !== DOT) return false;
      i++;
    }
  }
  if (parts !== 4) return false;
  if (i === b) return true;
  if (s[i] !== COLON || i + 1 === b) return false;
  for (i++; i < b; i++) if (!isDigit(s[i])) return false;
  return true;
}

/** Hex groups and colons with `::`, or eight groups (a trailing dotted IPv4 allowed). */
function isIpv6(s: Uint8Array, a: number, b: number): boolean {
  let colons = 0;
  let double = false;
  for (let i = a; i < b; i++) {
    const c = s[i];
    if (c === COLON) {
      colons++;
      if (s[i + 1] === COLON && i + 1 < b) double = true;
    } else if (!(isHex(c) || c === DOT)) {
      return false;
    }
  }
  return colons >= 2 && (double || colons >= 7);
}

/** `550`: a three-digit SMTP reply code. */
function isReplyCode(s: Uint8Array, a: number, b: number): boolean {
  return b - a === 3 && s[a] >= 50 && s[a] <= 53 && isDigit(s[a + 1]) && isDigit(s[a + 2]);
}

/** `5.7.1`, `4.7.28`, `5.7.511`: an enhanced status code (RFC 3463). */
function isEnhancedCode(s: Uint8Array, a: number, b: number): boolean {
  if (b - a < 5 || !(s[a] === 50 || s[a] === 52 || s[a] === 53) || s[a + 1] !== DOT) return false;
  let i = a + 2;
  let n = 0;
  while (i < b && isDigit(s[i])) {
    i++;
    n++;
  }
  if (n < 1 || n > 3 || s[i] !== DOT) return false;
  i++;
  n = 0;
  while (i < b && isDigit(s[i])) {
    i++;
    n++;
  }
  return n >= 1 && n <= 3 && i === b;
}

/** `550-5.1.1`: the prefix of a continuation line of a multi-line reply, flattened. */
function isContinuation(s: Uint8Array, a: number, b: number): boolean {
  return b - a >= 9 && isReplyCode(s, a, a + 3) && s[a + 3] === DASH && isEnhancedCode(s, a + 4, b);
}

/** Starts with a digit and holds only digits and number/time punctuation (`0.065`, `2026-11-28T17:12:46.301Z`). */
function isNumberLike(s: Uint8Array, a: number, b: number): boolean {
  if (!isDigit(s[a])) return false;
  for (let i = a + 1; i < b; i++) {
    const c = s[i];
    if (!(isDigit(c) || c === DOT || c === COLON || c === DASH || c === 43 || c === 47 || c === UNDERSCORE || c === 44 || c === 84 || c === 90)) return false;
  }
  return true;
}

/** `S3140`, `TSS04`, `OFR004_104`, `OFR_416`: 1-6 upper-case letters, then digits. */
function isReasonCode(s: Uint8Array, a: number, b: number): boolean {
  let i = a;
  while (i < b && isUpper(s[i])) i++;
  const letters = i - a;
  if (letters < 1 || letters > 6) return false;
  if (s[i] === UNDERSCORE) i++;
  const d = i;
  while (i < b && isDigit(s[i])) i++;
  if (i === d) return false;
  if (i < b && s[i] === UNDERSCORE) {
    i++;
    const e = i;
    while (i < b && isDigit(s[i])) i++;
    if (i === e) return false;
  }
  return i === b;
}

/** Dotted labels of letters, digits, `-` and `_` (or UTF-8), the last one alphabetic and 2+ long. */
function isHostName(s: Uint8Array, a: number, b: number): boolean {
  let dots = 0;
  let labelStart = a;
  for (let i = a; i < b; i++) {
    const c = s[i];
    if (c === DOT) {
      if (i === labelStart) return false;
      dots++;
      labelStart = i + 1;
    } else if (!(isAlpha(c) || isDigit(c) || c === DASH || c === UNDERSCORE || c >= 0x80)) {
      return false;
    }
  }
  if (dots === 0 || b - labelStart < 2) return false;
  for (let i = labelStart; i < b; i++) if (!(isAlpha(s[i]) || s[i] >= 0x80)) return false;
  return true;
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
