/**
 * Membership in a list of names (`as const`) as a type guard: the one place the list is widened to
 * strings, so callers narrow without a cast.
 */
export function isOneOf<T extends string>(values: readonly T[], s: string): s is T {
  return (values as readonly string[]).includes(s);
}
