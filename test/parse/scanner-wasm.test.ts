import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCANNER_WASM_BASE64 } from '../../src/parse/scanner-wasm.js';

describe('scanner-wasm.ts', () => {
  it('holds the bytes scanner.wat compiles to (run `npm run wasm` after editing the .wat)', async () => {
    // @ts-expect-error: a plain ES module script without type declarations
    const { compileScanner } = (await import('../../scripts/build-wasm.mjs')) as { compileScanner(): Promise<string> };
    expect(await compileScanner()).toBe(SCANNER_WASM_BASE64);
    expect(readFileSync(new URL('../../src/parse/scanner.wat', import.meta.url), 'utf8')).toContain('(func (export "keys")');
  });
});
