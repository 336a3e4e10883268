/**
 * What a query can name: the derived fields the classifier computes (report's dimensions plus
 * outcome, hard, latency and diag), the time bucket, and any header column by name. Names match
 * case-insensitively; a derived name wins over a column of the same name.
 */

/** report's --by dimensions (classifier.ts re-exports them). */
export const DIMENSIONS = ['isp', 'ip', 'vmta', 'pool', 'job', 'domain', 'bounceCat', 'type'] as const;

/** Derived fields, in Classifier.dimensionId() order (the first eight are report's dimensions). */
export const DERIVED_FIELDS = [...DIMENSIONS, 'outcome', 'hard', 'latency', 'diag'] as const;

type DerivedField = (typeof DERIVED_FIELDS)[number];

type IndexIn<T extends readonly unknown[], V, Seen extends unknown[] = []> = T extends readonly [infer H, ...infer R]
  ? [H] extends [V]
    ? Seen['length']
    : IndexIn<R, V, [...Seen, H]>
  : never;
/**
 * The index of derived field F in DERIVED_FIELDS, as a literal type: `case 9 satisfies
 * FieldIndex<'hard'>:` compiles to `case 9:` and fails to compile once the order changes.
 */
export type FieldIndex<F extends DerivedField> = IndexIn<typeof DERIVED_FIELDS, F>;

export const OUTCOME_INDEX = DERIVED_FIELDS.indexOf('outcome');
export const HARD_INDEX = DERIVED_FIELDS.indexOf('hard');
export const LATENCY_INDEX = DERIVED_FIELDS.indexOf('latency');
export const DIAG_INDEX = DERIVED_FIELDS.indexOf('diag');

/** The time bucket of the event (`--bucket`, 1h by default): not a dimension but the rollup's key[0]. */
export const BUCKET_FIELD = 'bucket';

/** `outcome` values by record type (TYPE_D ... TYPE_R); a `b` record is hard-bounce or soft-bounce. */
export const OUTCOMES = [
  'delivered',
  'hard-bounce',
  'soft-bounce',
  'deferred',
  'queue-deferred',
  'complaint',
  'remote-bounce',
  'remote-status',
  'received',
] as const;

/** Derived fields that read one column as it is written, by the column's lowercase name. */
const COLUMN_OF: Readonly<Record<string, string>> = { vmta: 'vmta', pool: 'vmtapool', bouncecat: 'bouncecat', type: 'type' };

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface FieldRef {
  /** Canonical name: a derived field's own spelling, a column's as the user wrote it. */
  readonly name: string;
  /** Index in DERIVED_FIELDS, or -1 for a plain column (and for `bucket`). */
  readonly derived: number;
  /** Lowercase column name read from the header ('' for fields computed from several columns). */
  readonly column: string;
  readonly bucket: boolean;
  /** A column holding times (`timeLogged`, `timeQueued`, ...): compared as instants. */
  readonly time: boolean;
}

/** Resolve a field name, or null when it cannot name anything (not a valid column name). */
export function resolveField(name: string): FieldRef | null {
  const lower = name.toLowerCase();
  if (lower === BUCKET_FIELD) return { name: BUCKET_FIELD, derived: -1, column: '', bucket: true, time: true };
  const i = DERIVED_FIELDS.findIndex((f) => f.toLowerCase() === lower);
  if (i >= 0) {
    const canonical = DERIVED_FIELDS[i];
    return { name: canonical, derived: i, column: COLUMN_OF[lower] ?? (lower === 'ip' ? 'dlvsourceip' : ''), bucket: false, time: false };
  }
  if (!FIELD_NAME.test(name)) return null;
  return { name, derived: -1, column: lower, bucket: false, time: lower.startsWith('time') };
}

/** Names a user can give to --group-by and --where besides header columns (for help texts). */
export const FIELD_HELP = `${DERIVED_FIELDS.join(', ')}, ${BUCKET_FIELD}, or any header column`;
