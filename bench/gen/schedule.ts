/**
 * When rows happen: a diurnal transactional curve plus campaign bursts, turned into an exact number of rows
 * per second (so the day holds exactly `rows` rows, in non-decreasing timeLogged order) and a per-minute
 * table that says which job a row at that minute belongs to.
 */
import { SECONDS_PER_DAY } from './clock.js';
import { type CampaignBurst, type Job, TRANSACTIONAL, TRANSACTIONAL_SHARE } from './jobs.js';
import { type Rng, type Weighted, pick, weighted } from './prng.js';

const MINUTES = 1440;

/** Relative transactional volume at each local hour: quiet night, morning and evening peaks (shoppers). */
const HOURLY = [
  0.35, 0.25, 0.2, 0.18, 0.2, 0.35, 0.6, 0.9, 1.2, 1.35, 1.4, 1.35, 1.3, 1.25, 1.2, 1.2, 1.25, 1.3, 1.35, 1.4, 1.3, 1.05, 0.8, 0.55,
];

function diurnal(minute: number): number {
  const h = Math.floor(minute / 60);
  const frac = (minute % 60) / 60;
  return HOURLY[h] + (HOURLY[(h + 1) % 24] - HOURLY[h]) * frac;
}

/** Burst shape (t/τ)·e^(1−t/τ): ramps up to the queue's max rate, then a throttled tail of retries. */
function burst(minute: number, c: CampaignBurst): number {
  const t = minute - c.startMinute + 0.5;
  if (t <= 0) return 0;
  const x = t / c.tau;
  return x * Math.exp(1 - x);
}

/** Scales a per-minute curve so it sums to `share`. */
function normalised(curve: Float64Array, share: number): Float64Array {
  const sum = curve.reduce((a, b) => a + b, 0);
  return curve.map((v) => (v * share) / sum);
}

export interface Schedule {
  /** Number of rows logged before second `s` (s in 0..86400; rowsBefore(86400) = rows). */
  rowsBefore(second: number): number;
  /** The job of a row logged at `minute`. */
  jobAt(minute: number, rng: Rng): Job;
  /** All jobs, campaigns first. */
  readonly jobs: readonly Job[];
}

export function makeSchedule(rows: number, campaigns: readonly CampaignBurst[]): Schedule {
  const components: Float64Array[] = [
    normalised(
      Float64Array.from({ length: MINUTES }, (_, m) => diurnal(m)),
      TRANSACTIONAL_SHARE,
    ),
  ];
  for (const c of campaigns) {
    components.push(
      normalised(
        Float64Array.from({ length: MINUTES }, (_, m) => burst(m, c)),
        c.share,
      ),
    );
  }

  // Per-minute job choice: component 0 is the transactional stream, split by job weight.
  const txJobs = weighted(TRANSACTIONAL);
  const byMinute: Weighted<number>[] = [];
  const minuteWeight = new Float64Array(MINUTES);
  for (let m = 0; m < MINUTES; m++) {
    const pairs = components.map((c, i) => [i, c[m]] as const).filter(([, w]) => w > 0);
    byMinute.push(weighted(pairs));
    minuteWeight[m] = pairs.reduce((a, [, w]) => a + w, 0);
  }

  // Exact integer row counts: rowsBefore(s) = floor(rows · F(s)) with F the cumulative share, linear inside a
  // minute. Computed once and forced monotonic, so counts per second are never negative.
  const before = new Float64Array(SECONDS_PER_DAY + 1);
  const total = minuteWeight.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let m = 0; m < MINUTES; m++) {
    for (let s = 0; s < 60; s++) {
      const at = m * 60 + s;
      const f = (acc + (minuteWeight[m] * s) / 60) / total;
      before[at] = Math.max(at > 0 ? before[at - 1] : 0, Math.min(rows, Math.floor(rows * f)));
    }
    acc += minuteWeight[m];
  }
  before[SECONDS_PER_DAY] = rows;

  const campaignJobs = campaigns.map((c) => c.job);
  return {
    jobs: [...campaignJobs, ...txJobs.items],
    rowsBefore: (second) => before[second],
    jobAt(minute, rng) {
      const component = pick(byMinute[minute], rng);
      return component === 0 ? pick(txJobs, rng) : campaignJobs[component - 1];
    },
  };
}
