/**
 * @module worker/waker — runs a pump soon (coalescing many wake-ups) or at a given time, never twice at once.
 */
import type { Clock } from "./clock.js";

/** Schedules a synchronous pump function: `wake()` for "now", `wakeAt(t)` for the next due time. */
export class Waker {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly pump: () => void,
    private readonly clock: Clock,
  ) {}

  /** Runs the pump on the next turn of the event loop; many calls in one turn run it once. */
  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Runs the pump at time `at` (the clock's ms), unless an earlier run is already planned. */
  wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    // setTimeout overflows past ~24.8 days; waking early is harmless, the pump re-plans.
    const delay = Math.min(Math.max(at - this.clock.now(), 0), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.wake();
    }, delay);
    this.timer.unref();
  }

  /** Cancels any planned run. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
