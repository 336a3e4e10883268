import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dictionary } from '../../src/util/dictionary.js';

describe('Dictionary', () => {
  it('gives the same id to a value whether it comes as bytes or as a string', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('gmail.com', 'GMAIL.com', 'bücher.de', 'BÜCHER.de', '203.0.113.1', '', 'x'), fc.boolean(), fc.boolean()),
          { maxLength: 40 },
        ),
        (ops) => {
          const d = new Dictionary();
          const seen = new Map<string, number>();
          for (const [value, asBytes, lower] of ops) {
            const key = lower ? value.toLowerCase() : value;
            const bytes = Buffer.from(`xx${value}yy`, 'utf8');
            const id = asBytes ? d.idOfBytes(bytes, 2, bytes.length - 2, lower) : d.id(key);
            if (seen.has(key)) expect(id).toBe(seen.get(key));
            else seen.set(key, id);
            expect(d.values[id]).toBe(key);
          }
          expect(d.size).toBe(seen.size);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it('keeps ids stable while growing past its initial tables', () => {
    const d = new Dictionary();
    const buf = Buffer.alloc(16);
    for (let i = 0; i < 5000; i++) {
      const n = buf.write(`v${i}`, 0, 'latin1');
      expect(d.idOfBytes(buf, 0, n, false)).toBe(i);
    }
    for (let i = 0; i < 5000; i += 97) expect(d.id(`v${i}`)).toBe(i);
  });
});
