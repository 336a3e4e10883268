/**
 * holdYoungGeneration (engine/tiering.ts): in a one-command process, once V8's young generation
 * has grown to HELD_YOUNG a semi-space, it grows no more however much survives its collections
 * (without the hold it doubles to 16 MB: the churn below survives several times what that takes).
 * Its own file: the flag it sets is process-wide, and vitest runs each file in its own process.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HELD_YOUNG, holdYoungGeneration, runsOneCommand } from '../../src/engine/tiering.js';

const youngBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Allocate `rounds` times 10,000 objects, each living until 20,000 later ones have been made: about
 * a megabyte survives each young collection, as the objects of a commit in flight do in a tail.
 */
function churn(rounds: number, after: () => void): void {
  const ring: { a: number; b: number[] }[] = new Array<{ a: number; b: number[] }>(20_000);
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 10_000; i++, n++) ring[n % ring.length] = { a: n, b: [n] };
    after();
  }
}

describe('holdYoungGeneration', () => {
  it('stops the young generation at HELD_YOUNG a semi-space in a one-command process', () => {
    runsOneCommand();
    let largest = 0;
    churn(400, () => {
      holdYoungGeneration();
      largest = Math.max(largest, youngBytes());
    });
    expect(largest).toBe(2 * HELD_YOUNG);
  });
});
