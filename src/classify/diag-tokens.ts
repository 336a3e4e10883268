/**
 * Byte classes and token tests of the diag masker (diag.ts): which token is an IP, a reply or
 * status code, a reason code, a number, a host name, or a random id. Each reads bytes s[a..b).
 */

export const SPACE = 32;
export const QUOTE = 34;
export const DOT = 46;
export const COLON = 58;
export const SLASH = 47;
export const AT = 64;
export const HASH = 35;
export const QUESTION = 63;
const DASH = 45;
const UNDERSCORE = 95;

/** Byte classes, as bits of one table lookup per byte. */
export const WS = 1;
export const SEP = 2;
export const TRAIL = 4;
export const DIGIT = 8;
export const UPPER = 16;
export const LOWER = 32;
/** Not a hex digit, ':' or '.' (IPv6 text is made of those only). */
export const NOT_V6 = 64;
export const CLASS = new Uint8Array(256).fill(NOT_V6);
for (const c of [9, 10, 11, 12, 13, 32]) CLASS[c] |= WS;
for (const c of '[](){}<>,;"\'=|') CLASS[c.charCodeAt(0)] |= SEP;
for (const c of '.:!?') CLASS[c.charCodeAt(0)] |= TRAIL;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER | (c <= 70 ? 0 : NOT_V6);
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER | (c <= 102 ? 0 : NOT_V6);
CLASS[DOT] &= ~NOT_V6;
CLASS[COLON] &= ~NOT_V6;
/** Bytes that may end a URL's text but are punctuation around it. */
export const URL_TRAIL = new Uint8Array(256);
for (const c of '.,;:!?)]>\'"') URL_TRAIL[c.charCodeAt(0)] = 1;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

export function isAlpha(c: number): boolean {
  return isUpper(c) || isLower(c);
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
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
export function isRandomLetters(s: Uint8Array, a: number, b: number): boolean {
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

export function startsWith(s: Uint8Array, a: number, b: number, p: Uint8Array): boolean {
  if (b - a <= p.length) return false;
  for (let i = 0; i < p.length; i++) if ((s[a + i] | 32) !== (p[i] | 32)) return false;
  return true;
}

/** `d.d.d.d` with 1-3 digits per part, optionally `:port`. */
export function isIpv4(s: Uint8Array, a: number, b: number): boolean {
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
export function isIpv6(s: Uint8Array, a: number, b: number): boolean {
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
export function isReplyCode(s: Uint8Array, a: number, b: number): boolean {
  return b - a === 3 && s[a] >= 50 && s[a] <= 53 && isDigit(s[a + 1]) && isDigit(s[a + 2]);
}

/** `5.7.1`, `4.7.28`, `5.7.511`: an enhanced status code (RFC 3463). */
export function isEnhancedCode(s: Uint8Array, a: number, b: number): boolean {
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
export function isContinuation(s: Uint8Array, a: number, b: number): boolean {
  return b - a >= 9 && isReplyCode(s, a, a + 3) && s[a + 3] === DASH && isEnhancedCode(s, a + 4, b);
}

/** Starts with a digit and holds only digits and number/time punctuation (`0.065`, `2026-11-28T17:12:46.301Z`). */
export function isNumberLike(s: Uint8Array, a: number, b: number): boolean {
  if (!isDigit(s[a])) return false;
  for (let i = a + 1; i < b; i++) {
    const c = s[i];
    if (!(
      isDigit(c) ||
      c === DOT ||
      c === COLON ||
      c === DASH ||
      c === 43 ||
      c === 47 ||
      c === UNDERSCORE ||
      c === 44 ||
      c === 84 ||
      c === 90
    ))
      return false;
  }
  return true;
}

/** `S3140`, `TSS04`, `OFR004_104`, `OFR_416`: 1-6 upper-case letters, then digits. */
export function isReasonCode(s: Uint8Array, a: number, b: number): boolean {
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
export function isHostName(s: Uint8Array, a: number, b: number): boolean {
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
