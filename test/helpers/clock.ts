import type { Clock } from '../../src/util/clock.js';

/** A clock whose wall time can be stepped without elapsed time passing. */
export class SteppedClock implements Clock {
  wall = Date.UTC(2026, 10, 28, 12, 0, 0);
  mono = 1000;
  now(): number {
    return this.wall;
  }
  elapsed(): number {
    return this.mono;
  }
  /** Time passes. */
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  /** The wall clock is set, by `ms`, and no time passes. */
  step(ms: number): void {
    this.wall += ms;
  }
}
