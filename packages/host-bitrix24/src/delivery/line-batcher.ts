/**
 * @module delivery/line-batcher — coalesces the deliveries of one portal's line that start in the
 * same event-loop turn into one REST call carrying all of them (`MESSAGES[]`), and settles each
 * caller with its own element of the answer. Core's outbox still delivers row by row (fair, capped
 * per portal); this is what turns a burst of rows into one request against the portal's rate limit
 * (b24restdocs `limits.md`: arrays and batches are how to stay under it).
 */

/** The most elements one call carries. */
export const LINE_BATCH_LIMIT = 50;

/** How one call's answer becomes one outcome per element: an Error fails that element alone. */
export type ElementReader = (result: unknown, count: number) => Array<Error | undefined>;

/** Sends one call for a line: `(memberId, method, params)` → the answer's `result`. */
export type LineCall = (memberId: string, method: string, params: Record<string, unknown>) => Promise<unknown>;

interface Pending {
  memberId: string;
  line: number;
  method: string;
  connector: string;
  read: ElementReader;
  items: Array<{ item: unknown; resolve: () => void; reject: (error: unknown) => void }>;
}

/** Collects elements per (portal, line, method) for one turn, then sends them. */
export class LineBatcher {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly call: LineCall) {}

  /** Adds one element; resolves when the portal took it, rejects with its error otherwise. */
  add(
    target: { memberId: string; line: number; connector: string; method: string; read: ElementReader },
    item: unknown,
  ): Promise<void> {
    const key = JSON.stringify([target.memberId, target.line, target.method]);
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { ...target, items: [] };
      this.pending.set(key, batch);
      // setImmediate runs after every delivery started in this turn (and their microtasks) has added its element.
      setImmediate(() => {
        this.pending.delete(key);
        void this.flush(batch!);
      });
    }
    return new Promise<void>((resolve, reject) => batch!.items.push({ item, resolve, reject }));
  }

  private async flush(batch: Pending): Promise<void> {
    for (let start = 0; start < batch.items.length; start += LINE_BATCH_LIMIT) {
      const chunk = batch.items.slice(start, start + LINE_BATCH_LIMIT);
      try {
        const result = await this.call(batch.memberId, batch.method, {
          CONNECTOR: batch.connector,
          LINE: batch.line,
          MESSAGES: chunk.map((c) => c.item),
        });
        const outcomes = batch.read(result, chunk.length);
        chunk.forEach((c, i) => {
          const error = outcomes[i];
          if (error) c.reject(error);
          else c.resolve();
        });
      } catch (error) {
        for (const c of chunk) c.reject(error);
      }
    }
  }
}
