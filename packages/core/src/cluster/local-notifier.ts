/**
 * @module cluster/local-notifier — the {@link Notifier} of one process (SQLite): there is no other
 * writer to hear from, so only what this process {@link LocalNotifier.publish}es reaches its handlers.
 */
import type { NotifyHandler, NotifyKind, Notifier } from "./notifier.js";

/** Notifications within one process, delivered on the next microtask. */
export class LocalNotifier implements Notifier {
  private readonly handlers = new Map<NotifyKind, Set<NotifyHandler>>();

  on(kind: NotifyKind, handler: NotifyHandler): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Calls the handlers of `kind` with `tenantId` (after the current synchronous code, like a commit's). */
  publish(kind: NotifyKind, tenantId: number | null): void {
    queueMicrotask(() => {
      for (const handler of this.handlers.get(kind) ?? []) handler(tenantId, "notified");
    });
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
