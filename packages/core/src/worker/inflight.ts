/**
 * @module worker/inflight — counts work in flight and lets shutdown wait for it to drain.
 */

/** A counter of running tasks with a bounded wait for zero. */
export class Inflight {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  /** Tasks running now. */
  get size(): number {
    return this.count;
  }

  /** Runs `task`, counting it while it runs. */
  track(task: Promise<unknown>): Promise<void> {
    this.count++;
    return task.then(
      () => this.done(),
      () => this.done(),
    );
  }

  /** Resolves when nothing runs any more, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(finish);
    });
  }

  private done(): void {
    this.count--;
    if (this.count === 0) for (const fn of [...this.waiters]) fn();
  }
}
