/** A clock that moves only when a test says so: time rules (grace, rate windows, expiry) without sleeping. */
import type { Clock } from '../../server/domain/clock';

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`; returns the new time. */
  advance(ms: number): number;
}

/** @param start ms since the epoch; @default Date.now(), so stored times look like real ones */
export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      if (!(ms >= 0)) throw new Error(`a clock only moves forward (advance(${ms}))`);
      return (now += ms);
    },
  };
}
