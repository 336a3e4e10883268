import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePieces } from '../../src/cli/io.js';

describe('writePieces', () => {
  it('writes the pieces as UTF-8, across its buffer and past its size, then renames the file into place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-pieces-'));
    const pieces = [
      'a',
      ...Array.from({ length: 30_000 }, (_, i) => `${i}é😀"\n`),
      'é'.repeat(100_000), // longer than a third of the buffer: encoded on its own
      '😀'.repeat(50_000),
      'z',
    ];
    const file = join(dir, 'out.json');
    writePieces(pieces, file);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('leaves no file behind when the pieces fail half-way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmta-pieces-'));
    function* failing(): Generator<string> {
      yield 'x'.repeat(300_000);
      throw new Error('renderer failed');
    }
    expect(() => writePieces(failing(), join(dir, 'out.json'))).toThrow('renderer failed');
    expect(readdirSync(dir)).toEqual([]);
  });
});
