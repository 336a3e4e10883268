import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { expectedBytes, runsOneCommand, SMALL_INPUT, tierFor } from '../../src/engine/tiering.js';

// V8's own view of a function (%GetOptimizationStatus): optimised (16), marked for optimisation
// (256, 512) or being optimised (1024). A function called often enough is marked as it runs,
// without waiting for the compiler thread.
setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- natives syntax parses only at run time
const statusOf = new Function('f', 'return %GetOptimizationStatus(f);') as (f: unknown) => number;
const HOT = 16 | 256 | 512 | 1024;

let made = 0;

function getsOptimised(): boolean {
  // a new function each time (new source: V8 caches compiled code by source), so an earlier one's status does not count
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const f = new Function('x', `let s = ${made++}; for (let i = 0; i < 20; i++) s += (x * i) ^ 3; return s;`) as (x: number) => number;
  let sum = 0;
  for (let i = 0; i < 200_000; i++) sum += f(i);
  return sum !== 0 && (statusOf(f) & HOT) !== 0;
}

const file = (size: number, gzip = false) => ({ path: gzip ? 'a.csv.gz' : 'a.csv', size, gzip });

describe('tiering (V8 optimising compiler for small runs)', () => {
  it('counts plain files by size, a .gz as several times its size, stdin as endless', () => {
    expect(expectedBytes([file(1000), file(2000)])).toBe(3000);
    expect(expectedBytes([file(1000, true)])).toBeGreaterThan(5000);
    expect(expectedBytes([{ path: '-', size: 0, gzip: false }])).toBe(Number.POSITIVE_INFINITY);
  });

  it('leaves V8 alone in a library caller, and in a one-command process over a big input; turns TurboFan off for a small one', () => {
    expect(getsOptimised()).toBe(true);
    tierFor([file(1000)]);
    expect(getsOptimised()).toBe(true);
    runsOneCommand();
    tierFor([file(SMALL_INPUT)]);
    tierFor([{ path: '-', size: 0, gzip: false }]);
    expect(getsOptimised()).toBe(true);
    tierFor([file(SMALL_INPUT / 2), file(SMALL_INPUT / 4)]);
    expect(getsOptimised()).toBe(false);
  });
});
