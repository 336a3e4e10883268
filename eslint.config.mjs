/**
 * Lint for src/ and bench/ (npm run lint:es, part of npm test): ESLint's recommended rules and
 * typescript-eslint's strict type-checked set, with the few changes below, each with its reason.
 * Fix the code rather than add an exception; a line that must break a rule says why beside its
 * `eslint-disable-next-line`.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'samples/**', 'contrib/**', 'src/parse/scanner-wasm.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Numbers in messages and labels are the common case and print as expected; objects,
      // undefined, null and `any` in a template stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `(x) => void f(x)` and `() => f()` for callbacks are clear; a void value used anywhere
      // else stays an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off: tsconfig keeps noUncheckedIndexedAccess off (the hot loops index typed arrays and
      // tables millions of times), so an indexed read is typed as always present and this rule
      // flags every bounds check (`row[i] === undefined`) as unnecessary: 38 of its 45 findings
      // when it was tried. Removing those checks would turn a short row into a wrong number.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Off: an async method without await keeps a promise-returning interface (a history
      // source, the follower's set-up, a rollup source: ClickHouse's will wait on the network).
      // What the rule guards against, a forgotten await, no-floating-promises, no-misused-promises
      // and await-thenable catch.
      '@typescript-eslint/require-await': 'off',
      // A parameter an interface requires but an implementation does not use is named `_x`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Declarations of what Node provides at run time (WebAssembly): the shape is Node's, not ours.
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-extraneous-class': 'off' },
  },
);
