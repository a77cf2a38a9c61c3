/**
 * @module time/timers — the time the rate limiter and back-offs wait by, replaceable so tests move
 * it by hand instead of sleeping.
 */

/** Now, and waiting. */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time. */
export const realTimers: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** Timers that stand still until `advance`: sleeps end when the clock passes their end. */
export interface ManualTimers extends Timers {
  /** Moves time forward, ending every sleep that is due (in order of their end). */
  advance(ms: number): void;
  /** Sleeps not yet ended. */
  readonly sleeping: number;
}

/** {@link ManualTimers} starting at `startMs`. */
export function manualTimers(startMs = Date.now()): ManualTimers {
  let at = startMs;
  const waits: { end: number; resolve: () => void }[] = [];
  return {
    now: () => at,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const wait = { end: at + Math.max(0, ms), resolve };
        waits.push(wait);
        signal?.addEventListener(
          "abort",
          () => {
            const i = waits.indexOf(wait);
            if (i >= 0) waits.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    advance(ms) {
      at += ms;
      waits.sort((a, b) => a.end - b.end);
      while (waits.length && waits[0]!.end <= at) waits.shift()!.resolve();
    },
    get sleeping() {
      return waits.length;
    },
  };
}
