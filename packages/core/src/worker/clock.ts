/**
 * @module worker/clock — the time the send queue and the CRM outbox schedule by: wall-clock based
 * (stored in the database, comparable across restarts) but advancing only with the monotonic clock.
 */

/** Milliseconds since the epoch that a wall-clock step (NTP, an operator, a VM resume) cannot move. */
export interface Clock {
  /** Never goes backwards and never jumps: a wall-clock step while running changes nothing. */
  now(): number;
}

/** Where a {@link steadyClock} reads the time (replaceable in tests). */
export interface TimeSources {
  wall: () => number;
  monotonic: () => number;
}

/**
 * The wall clock as the process's time origin plus the monotonic clock: sub-millisecond, so
 * replicas on one host agree to microseconds rather than to `Date.now()`'s millisecond. Their
 * times order a chat's messages stored on different replicas, a few milliseconds apart.
 */
const SYSTEM: TimeSources = {
  wall: () => performance.timeOrigin + performance.now(),
  monotonic: () => performance.now(),
};

/**
 * A clock anchored to the wall clock once, then advanced by the monotonic clock. `notBefore` (e.g.
 * the newest time already stored) keeps a clock stepped back between two runs from scheduling
 * behind what the previous run wrote.
 */
export function steadyClock(options: { sources?: TimeSources; notBefore?: number } = {}): Clock {
  const sources = options.sources ?? SYSTEM;
  const offset = Math.max(sources.wall(), options.notBefore ?? 0) - sources.monotonic();
  return { now: () => Math.floor(offset + sources.monotonic()) };
}
