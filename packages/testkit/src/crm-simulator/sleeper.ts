/**
 * @module crm-simulator/sleeper — delays that end early when the simulator stops listening.
 */

/** Hands out timers that can all be cut short at once, so a slow answer never outlives a stop. */
export class Sleeper {
  private controller = new AbortController();
  private sleeping = 0;

  /** Sleeps not ended yet. */
  get pending(): number {
    return this.sleeping;
  }

  /** Resolves after `ms`, or as soon as {@link wakeAll} is called. */
  sleep(ms: number): Promise<void> {
    const signal = this.controller.signal;
    this.sleeping++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    }).finally(() => this.sleeping--);
  }

  /** Ends every pending sleep now. */
  wakeAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }
}
