/**
 * Record types as small integers (pmta-accounting.md §1). Unknown codes are kept by name in the
 * input statistics (forward compatibility), never counted as one of these.
 */
export const TYPE_D = 0;
export const TYPE_B = 1;
export const TYPE_T = 2;
export const TYPE_TQ = 3;
export const TYPE_F = 4;
export const TYPE_RB = 5;
export const TYPE_RS = 6;
export const TYPE_R = 7;
export const TYPE_UNKNOWN = 8;

export const TYPE_CODES = ['d', 'b', 't', 'tq', 'f', 'rb', 'rs', 'r'] as const;

/** Types whose dlvSourceIp is one of our sending IPs (in f records it is the provider's). */
export function hasSendingIp(type: number): boolean {
  return type <= TYPE_TQ;
}

/** Type of the cell s[a..b) (lower case, as PowerMTA writes it; upper case tolerated). */
export function typeOf(s: Uint8Array, a: number, b: number): number {
  const len = b - a;
  const c0 = s[a] | 32;
  if (len === 1) {
    if (c0 === 100) return TYPE_D;
    if (c0 === 98) return TYPE_B;
    if (c0 === 116) return TYPE_T;
    if (c0 === 102) return TYPE_F;
    if (c0 === 114) return TYPE_R;
    return TYPE_UNKNOWN;
  }
  if (len === 2) {
    const c1 = s[a + 1] | 32;
    if (c0 === 116 && c1 === 113) return TYPE_TQ;
    if (c0 === 114 && c1 === 98) return TYPE_RB;
    if (c0 === 114 && c1 === 115) return TYPE_RS;
  }
  return TYPE_UNKNOWN;
}
