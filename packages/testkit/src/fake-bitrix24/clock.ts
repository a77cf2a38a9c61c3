/**
 * @module fake-bitrix24/clock — the fake's notion of now, so tests move token expiry, the rate bucket
 * and the operating baskets forward without sleeping.
 */

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

/** A clock that stands still until `advance` moves it. */
export interface ManualClock {
  readonly now: Clock;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

/** A {@link ManualClock} starting at `startMs` (default: the real now). */
export function manualClock(startMs = Date.now()): ManualClock {
  let at = startMs;
  return {
    now: () => at,
    advance(ms) {
      at += ms;
    },
  };
}
