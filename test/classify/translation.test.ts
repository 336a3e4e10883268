import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Translation } from '../../src/classify/translation.js';
import { Dictionary } from '../../src/util/dictionary.js';

describe('Translation', () => {
  it('gives the id of the value in each target dictionary, for any source ids and any order of targets', () => {
    fc.assert(
      fc.property(
        // source ids up to past the cache's first room (1024), targets among three dictionaries, clears
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3 })), { maxLength: 200 }),
        (ops) => {
          const t = new Translation();
          const targets = [new Dictionary(), new Dictionary(), new Dictionary()];
          for (const d of targets) d.id('already here');
          for (const [source, which] of ops) {
            if (which === 3) {
              t.clear();
              continue;
            }
            const dict = targets[which];
            const id = t.id(dict, source, `value ${source}`);
            expect(dict.values[id]).toBe(`value ${source}`);
          }
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });

  it('forgets every translation on clear (the source ids mean other values after)', () => {
    const t = new Translation();
    const d = new Dictionary();
    expect(d.values[t.id(d, 5, 'a')]).toBe('a');
    expect(d.values[t.id(d, 5, 'b')]).toBe('a');
    t.clear();
    expect(d.values[t.id(d, 5, 'b')]).toBe('b');
  });
});
