/**
 * Comparisons on the input bytes, for the per-record filter: equality, substring search and glob
 * matching with ASCII case folding, and numbers, without decoding a cell into a string.
 */

export function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

/** UTF-8 bytes of s with ASCII letters lower-cased. */
export function foldedBytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  for (let i = 0; i < b.length; i++) b[i] = fold(b[i]);
  return new Uint8Array(b);
}

/** src[a..b) equals lit (already folded), ignoring ASCII case. */
export function equalsFolded(src: Uint8Array, a: number, b: number, lit: Uint8Array): boolean {
  if (b - a !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) if (fold(src[a + i]) !== lit[i]) return false;
  return true;
}

/** Whether needle occurs in src[a..b); with `folded`, needle is folded and the case of src is ignored. */
export function containsBytes(src: Uint8Array, a: number, b: number, needle: Uint8Array, folded: boolean): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const first = needle[0];
  const last = b - n;
  for (let i = a; i <= last; i++) {
    if ((folded ? fold(src[i]) : src[i]) !== first) continue;
    let j = 1;
    if (folded) while (j < n && fold(src[i + j]) === needle[j]) j++;
    else while (j < n && src[i + j] === needle[j]) j++;
    if (j === n) return true;
  }
  return false;
}

/** A number written in src[a..b) (`-12`, `3.5`; spaces around allowed), or NaN. */
export function parseNumber(src: Uint8Array, a: number, b: number): number {
  while (a < b && src[a] === 32) a++;
  while (b > a && src[b - 1] === 32) b--;
  if (a === b) return Number.NaN;
  let i = a;
  let sign = 1;
  if (src[i] === 45 || src[i] === 43) {
    if (src[i] === 45) sign = -1;
    i++;
  }
  let v = 0;
  let digits = 0;
  while (i < b && src[i] >= 48 && src[i] <= 57) {
    v = v * 10 + (src[i++] - 48);
    digits++;
  }
  if (i < b && src[i] === 46) {
    i++;
    let scale = 0.1;
    while (i < b && src[i] >= 48 && src[i] <= 57) {
      v += (src[i++] - 48) * scale;
      scale /= 10;
      digits++;
    }
  }
  return digits === 0 || i !== b ? Number.NaN : sign * v;
}

const LIT = 0;
const STAR = 1;
const ONE = 2;

/** A glob: `*` any run of characters, `?` one character, `\x` the character x; ASCII case ignored. */
export interface Glob {
  readonly bytes: Uint8Array;
  readonly kinds: Uint8Array;
}

export function compileGlob(pattern: string): Glob {
  const bytes: number[] = [];
  const kinds: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' || ch === '?') {
      if (!(ch === '*' && kinds[kinds.length - 1] === STAR)) {
        bytes.push(0);
        kinds.push(ch === '*' ? STAR : ONE);
      }
      continue;
    }
    let lit = ch;
    if (ch === '\\' && i + 1 < pattern.length) lit = pattern[++i];
    for (const b of foldedBytes(lit)) {
      bytes.push(b);
      kinds.push(LIT);
    }
  }
  return { bytes: Uint8Array.from(bytes), kinds: Uint8Array.from(kinds) };
}

function nextChar(src: Uint8Array, s: number, b: number): number {
  s++;
  while (s < b && (src[s] & 0xc0) === 0x80) s++;
  return s;
}

/** Whether all of src[a..b) matches the glob; it backtracks only to the last `*` (at most text × pattern steps). */
export function globMatches(g: Glob, src: Uint8Array, a: number, b: number): boolean {
  const { bytes, kinds } = g;
  const n = kinds.length;
  let p = 0;
  let s = a;
  let starP = -1;
  let starS = a;
  while (s < b) {
    if (p < n && kinds[p] === LIT && fold(src[s]) === bytes[p]) {
      p++;
      s++;
    } else if (p < n && kinds[p] === ONE) {
      p++;
      s = nextChar(src, s, b);
    } else if (p < n && kinds[p] === STAR) {
      starP = p++;
      starS = s;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < n && kinds[p] === STAR) p++;
  return p === n;
}
