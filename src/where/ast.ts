/**
 * The --where expression as parsed: plain data with the column (0-based offset) of every part, so
 * that later checks can point at the place in the expression that is wrong.
 */

export interface Literal {
  readonly text: string;
  /** Written in quotes: never a number, a keyword or a boolean. */
  readonly quoted: boolean;
  readonly pos: number;
}

export interface FieldName {
  readonly name: string;
  readonly pos: number;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly expr: Expr }
  | { readonly kind: 'compare'; readonly field: FieldName; readonly op: CompareOp; readonly value: Literal }
  | { readonly kind: 'in'; readonly field: FieldName; readonly values: readonly Literal[]; readonly negate: boolean }
  | { readonly kind: 'like'; readonly field: FieldName; readonly pattern: Literal; readonly negate: boolean }
  | {
      readonly kind: 'regex';
      readonly field: FieldName;
      readonly source: string;
      readonly flags: string;
      readonly pos: number;
      readonly negate: boolean;
    }
  | { readonly kind: 'truthy'; readonly field: FieldName };
