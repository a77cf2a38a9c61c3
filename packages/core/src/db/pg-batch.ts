/**
 * @module db/pg-batch — group commit for a raw-SQL PostgreSQL store: calls made in the same turn of
 * the event loop, or while the previous group's statement is in flight, run as one statement, so
 * N concurrent sends pay one round trip and one commit (one WAL flush) instead of N. Each call
 * still resolves only once its own row is committed.
 */

/** Runs a group of items as one statement; answers one result per item, in order. */
export type BatchRun<I, O> = (items: readonly I[]) => Promise<O[]>;

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** One store operation's group commit; see the module comment. */
export class PgBatch<I, O> {
  private pending: Array<Waiting<I, O>> = [];
  private running = false;

  /**
   * `run` executes a group; `alone(item)` says an item must run on its own (its statement could
   * collide with another item of the same group). At most `max` items go in one statement.
   */
  constructor(
    private readonly run: BatchRun<I, O>,
    private readonly options: { max?: number; alone?: (item: I) => boolean } = {},
  ) {}

  /** Queues `item`; resolves with its result once the statement that carried it committed. */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.running) return;
      this.running = true;
      // The rest of this turn's calls (other sends' I/O callbacks) join the group.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const first = this.pending[0]!;
      const group =
        this.options.alone?.(first.item) === true ? this.pending.splice(0, 1) : this.takeGroup(this.options.max ?? 500);
      try {
        const results = await this.run(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(results[i]!));
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        // One item's failure must not fail the others: each runs again on its own.
        else for (const g of group) await this.runAlone(g);
      }
    }
    this.running = false;
  }

  /** The leading items that may share a statement (up to the first that must run alone). */
  private takeGroup(max: number): Array<Waiting<I, O>> {
    let n = 0;
    while (n < this.pending.length && n < max && this.options.alone?.(this.pending[n]!.item) !== true) n++;
    return this.pending.splice(0, n);
  }

  private async runAlone(g: Waiting<I, O>): Promise<void> {
    try {
      g.resolve((await this.run([g.item]))[0]!);
    } catch (error) {
      g.reject(error);
    }
  }
}
