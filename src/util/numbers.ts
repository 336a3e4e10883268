/** Number formatting shared by verdict messages and the renderers. */
/** Made on first use: building it loads ICU's number data (15 - 20 ms of a run). */
let counts: Intl.NumberFormat | undefined;

/** 31200 → '31,200'. Whole numbers without ICU, whose number data cost a small report 20 ms. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) {
    counts ??= new Intl.NumberFormat('en-US');
    return counts.format(n);
  }
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

/**
 * A fraction as a short percentage for messages: 0.042 → '4.2%', 0.0303 → '3.03%', 0.00169 →
 * '0.169%', 0.03 → '3%'. Enough digits to tell a value from a nearby threshold, no trailing zeros.
 */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  const digits = p >= 1 ? 2 : p >= 0.1 ? 3 : 4;
  return `${trimZeros(p.toFixed(digits))}%`;
}

/** '4.200' → '4.2', '3.00' → '3'. */
export function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** 3600 → '1h', 1800 → '30m', 5400 → '90m', 86400 → '24h', 604800 → '7d'. */
export function formatWindow(seconds: number): string {
  if (seconds % 86400 === 0 && seconds > 86400) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
