/**
 * The two bench profiles: `full` (npm run bench, about 15 minutes) and `smoke`
 * (npm run bench:smoke, every scenario for a few seconds, under a minute; CI checks the
 * harness works, not how fast). Every knob is documented here.
 */
export interface Profile {
  name: 'full' | 'smoke';
  /** Scenario 1: message path, one process. */
  messagePath: {
    /** Visitor/agent pairs (baseline: relay client pairs). @default 100 */
    pairs: number;
    /** Fraction of conversations one lead watches. @default 0.1 */
    watchFraction: number;
    /** Unreported open-loop phase before the measured ones. */
    warmUp: { rate: number; ms: number };
    /** Open-loop offered rates, msg/s (both directions together). */
    rates: number[];
    /** Extra open-loop rates run on the baseline only, to draw its curve further. */
    baselineExtraRates: number[];
    phaseMs: number;
    warmupMs: number;
    /** Messages in flight per pair in the closed loop. */
    window: number;
    closedMs: number;
    closedWarmupMs: number;
    /** Time allowed for stragglers after a phase before they count as lost. */
    drainMs: number;
    /** An open-loop phase stops early once this many messages are undelivered (overloaded). */
    maxOutstanding: number;
  };
  /** Scenario 2: visitor on process 1, agent on process 2, one Redis. */
  crossProcess: { pairs: number; warmUp: { rate: number; ms: number }; rates: number[]; phaseMs: number; warmupMs: number; window: number; closedMs: number; closedWarmupMs: number; drainMs: number; maxOutstanding: number };
  /** Scenario 3: assignment latency and queue-position updates. */
  assignment: {
    agents: number;
    /** Per agent; agents × capacity slots are filled for the queue rounds. */
    capacity: number;
    /** New conversations per second. */
    rates: number[];
    phaseMs: number;
    /** Pre-connected visitors that open, get assigned and close conversations in turn. */
    poolVisitors: number;
    /** Visitors waiting in the queue while every agent is full. */
    waiting: number;
    /** Slots freed one at a time, each timed until every waiting visitor heard of it. */
    rounds: number;
  };
  /** Scenario 4: idle connections held by one process. */
  connections: { count: number; concurrency: number; timeoutMs: number; settleMs: number };
  /** Scenario 5: steady mixed load. */
  soak: { durationMs: number; pairs: number; rate: number; typingRate: number; churnRate: number; sampleEveryMs: number };
  /** Scenario 6: widget. */
  widget: {
    /** Page loads timed; the median is reported. */
    runs: number;
    /**
     * Rebuild dist/ with `node esbuild.config.mjs` first. Smoke only builds when dist/widget.js is
     * missing: `npm test` has just built it, and tests may be serving it while the smoke runs.
     */
    build: 'always' | 'if-missing';
  };
}

export const FULL: Profile = {
  name: 'full',
  messagePath: {
    pairs: 100,
    watchFraction: 0.1,
    warmUp: { rate: 1000, ms: 3000 },
    rates: [1000, 5000, 10_000],
    baselineExtraRates: [20_000],
    phaseMs: 10_000,
    warmupMs: 2000,
    window: 10,
    closedMs: 10_000,
    closedWarmupMs: 3000,
    drainMs: 30_000,
    maxOutstanding: 5000,
  },
  crossProcess: { pairs: 100, warmUp: { rate: 1000, ms: 3000 }, rates: [1000, 5000], phaseMs: 10_000, warmupMs: 2000, window: 10, closedMs: 10_000, closedWarmupMs: 3000, drainMs: 30_000, maxOutstanding: 5000 },
  assignment: { agents: 100, capacity: 2, rates: [50, 200, 500], phaseMs: 10_000, poolVisitors: 400, waiting: 200, rounds: 10 },
  connections: { count: 19_000, concurrency: 200, timeoutMs: 180_000, settleMs: 5000 },
  soak: { durationMs: 120_000, pairs: 100, rate: 1000, typingRate: 100, churnRate: 5, sampleEveryMs: 10_000 },
  widget: { runs: 7, build: 'always' },
};

export const SMOKE: Profile = {
  name: 'smoke',
  messagePath: {
    pairs: 10,
    watchFraction: 0.1,
    warmUp: { rate: 100, ms: 300 },
    rates: [200],
    baselineExtraRates: [],
    phaseMs: 1000,
    warmupMs: 200,
    window: 2,
    closedMs: 1000,
    closedWarmupMs: 300,
    drainMs: 5000,
    maxOutstanding: 1000,
  },
  crossProcess: { pairs: 10, warmUp: { rate: 100, ms: 300 }, rates: [200], phaseMs: 1000, warmupMs: 200, window: 2, closedMs: 1000, closedWarmupMs: 300, drainMs: 5000, maxOutstanding: 1000 },
  assignment: { agents: 5, capacity: 2, rates: [20], phaseMs: 1000, poolVisitors: 20, waiting: 10, rounds: 2 },
  connections: { count: 200, concurrency: 50, timeoutMs: 20_000, settleMs: 500 },
  soak: { durationMs: 2000, pairs: 10, rate: 100, typingRate: 20, churnRate: 2, sampleEveryMs: 1000 },
  widget: { runs: 1, build: 'if-missing' },
};
