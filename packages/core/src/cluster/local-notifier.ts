/**
 * @module cluster/local-notifier — the {@link Notifier} of one process (SQLite): what this process
 * {@link LocalNotifier.publish}es reaches its handlers at once; what another connection wrote to
 * the file (the CLI retrying a message beside the running gateway) is noticed by a slow poll of
 * SQLite's `data_version`, which changes only for other connections' commits, and answered with a
 * rescan of every kind.
 */
import type { NotifyHandler, NotifyKind, Notifier } from "./notifier.js";

/** How a {@link LocalNotifier} notices writes of other connections. */
export interface ForeignWritePoll {
  /** How often to look, in ms. */
  everyMs: number;
  /** A value that changes when another connection committed (SQLite's `PRAGMA data_version`). */
  version(): number;
}

/** Notifications within one process, delivered on the next microtask. */
export class LocalNotifier implements Notifier {
  private readonly handlers = new Map<NotifyKind, Set<NotifyHandler>>();
  private timer: NodeJS.Timeout | undefined;
  private seen: number | undefined;

  constructor(private readonly poll?: ForeignWritePoll) {}

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
    const poll = this.poll;
    if (poll && !this.timer) {
      this.seen = poll.version();
      this.timer = setInterval(() => this.look(poll), poll.everyMs);
      this.timer.unref();
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  private look(poll: ForeignWritePoll): void {
    let version: number;
    try {
      version = poll.version();
    } catch {
      return; // the database is busy or going away: the next tick looks again
    }
    if (version === this.seen) return;
    this.seen = version;
    for (const set of this.handlers.values()) for (const handler of set) handler(null, "rescan");
  }
}
