/**
 * @module send/progress — what the sender remembers in memory between tries: which groups moved to
 * a supergroup, so later messages go straight to the new chat, and which messages are being sent
 * right now. How far a multi-part message got is core's durable `ctx.parts`.
 */
import type { ChatId } from "../contact/contact.js";

/** Group migrations by tenant and old chat id, and the queue ids being sent. */
export class SendMemory {
  private readonly migrations = new Map<string, number>();
  private readonly running = new Set<number>();

  /**
   * Marks a queued message as being sent; false if an earlier attempt is still running (a send
   * that outlived its queue lease was handed out again: sending twice would duplicate parts).
   */
  claim(queueId: number): boolean {
    if (this.running.has(queueId)) return false;
    this.running.add(queueId);
    return true;
  }

  /** Ends an attempt started with {@link claim}. */
  release(queueId: number): void {
    this.running.delete(queueId);
  }

  /** The chat a group migrated to, if we learned of it. */
  migratedTo(tenantKey: string, chatId: ChatId): number | undefined {
    return this.migrations.get(`${tenantKey} ${chatId}`);
  }

  /** Remembers that a group became a supergroup with a new id. */
  rememberMigration(tenantKey: string, from: ChatId, to: number): void {
    this.migrations.set(`${tenantKey} ${from}`, to);
  }
}
