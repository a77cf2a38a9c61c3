/**
 * @module cluster/pg-notifier — the {@link Notifier} on PostgreSQL: one dedicated connection that
 * LISTENs on every kind's channel (its own client, never one of the pool's, which are shared and
 * recycled), reconnected with backoff whenever it drops.
 *
 * Notifications sent while the connection was down are lost (PostgreSQL keeps them only for
 * listening sessions), so each (re)connection calls every handler with `null`: rescan. So does a
 * slow polling tick (default every 2 s), the backstop for anything else a hint can miss.
 */
import pg from "pg";
import type { Logger } from "pino";
import { backoffDelay, WORKER_RETRY } from "../worker/backoff.js";
import {
  kindOfChannel,
  notifyChannel,
  NOTIFY_KINDS,
  parseNotifyPayload,
  type NotifyHandler,
  type NotifyKind,
  type Notifier,
} from "./notifier.js";

/** Options of {@link PgNotifier}. */
export interface PgNotifierOptions {
  /** Connection settings of the LISTEN connection (e.g. `{ connectionString }`); never logged. */
  connection: pg.ClientConfig;
  logger: Logger;
  /** Every how many ms handlers are called with `null` (the polling backstop); default 2000. */
  pollMs?: number;
  /** Backoff between reconnection attempts; default the workers' (100 ms doubling to 5 s). */
  retry?: { baseMs: number; maxMs: number };
}

/** A LISTEN connection with reconnection and a polling backstop. */
export class PgNotifier implements Notifier {
  private readonly handlers = new Map<NotifyKind, Set<NotifyHandler>>();
  private client: pg.Client | undefined;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private firstListen: { resolve: () => void; promise: Promise<void> } | undefined;
  private readonly pollMs: number;
  private readonly retry: { baseMs: number; maxMs: number };

  constructor(private readonly options: PgNotifierOptions) {
    this.pollMs = options.pollMs ?? 2000;
    this.retry = options.retry ?? WORKER_RETRY;
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  on(kind: NotifyKind, handler: NotifyHandler): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Connects and LISTENs; resolves once listening (a database that is down is retried until it is up). */
  start(): Promise<void> {
    if (this.running) return this.firstListen?.promise ?? Promise.resolve();
    this.running = true;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.firstListen = { resolve, promise };
    this.pollTimer = setInterval(() => this.emitAll(), this.pollMs);
    this.pollTimer.unref();
    void this.connect();
    return promise;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    this.firstListen?.resolve();
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const client = new pg.Client({ keepAlive: true, ...this.options.connection });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners("notification");
      // end() as well: after an error the socket may still be open.
      client.end().catch(() => undefined);
      if (!this.running) return;
      this.options.logger.warn(
        { event: "notify.connection_lost", err: error },
        "notification connection lost; reconnecting",
      );
      this.scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      const kind = kindOfChannel(message.channel);
      if (kind) this.emit(kind, parseNotifyPayload(message.payload), "notified");
    });
    try {
      await client.connect();
      await client.query(NOTIFY_KINDS.map((kind) => `LISTEN ${notifyChannel(kind)};`).join(" "));
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (lost) return;
    if (!this.running) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.attempt > 0) this.options.logger.info({ event: "notify.connection_back" }, "notification connection back");
    this.attempt = 0;
    this.firstListen?.resolve();
    // Whatever was notified while we were not listening is lost: every subscriber looks again.
    this.emitAll();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), backoffDelay(++this.attempt, this.retry));
    this.retryTimer.unref();
  }

  private emitAll(): void {
    for (const kind of this.handlers.keys()) this.emit(kind, null, "rescan");
  }

  private emit(kind: NotifyKind, tenantId: number | null, cause: "notified" | "rescan"): void {
    for (const handler of this.handlers.get(kind) ?? []) {
      try {
        handler(tenantId, cause);
      } catch (error) {
        this.options.logger.error(
          { event: "notify.handler_failed", err: error, notification: kind },
          "notification handler failed",
        );
      }
    }
  }
}
