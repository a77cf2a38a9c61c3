/**
 * @module crm-simulator/sleeper — delays that end early when the simulator stops listening.
 */

/** Hands out timers that can all be cut short at once, so a slow answer never outlives a stop. */
export class Sleeper {
  private controller = new AbortController();

  /** Resolves after `ms`, or as soon as {@link wakeAll} is called. */
  sleep(ms: number): Promise<void> {
    const signal = this.controller.signal;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends every pending sleep now. */
  wakeAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }
}
