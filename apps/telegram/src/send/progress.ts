/**
 * @module send/progress — how far a multi-part message got, so a retry (after a 429 on the third
 * part, say) resumes there instead of sending the first parts again; and which groups moved to a
 * supergroup, so later messages go straight to the new chat.
 */
import type { ChatId } from "../contact/contact.js";

/** The parts of one queued message delivered so far. */
export interface Progress {
  /** Steps of the plan already sent. */
  done: number;
  /** Chat the message goes to (changes when a group migrated). */
  chatId: ChatId;
  /** `chat:message_id` of every message sent for it. */
  ids: string[];
  messageIds: number[];
  migratedFrom?: ChatId;
}

/** Kept in memory: a restart forgets it, and then the worst case is a repeated part. */
const MAX_ENTRIES = 10_000;

/** Progress by queue id, and group migrations by tenant and old chat id. */
export class SendMemory {
  private readonly progress = new Map<number, Progress>();
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

  /** The progress of a queued message, started fresh if unknown. */
  start(queueId: number, chatId: ChatId): Progress {
    const known = this.progress.get(queueId);
    if (known) return known;
    const fresh: Progress = { done: 0, chatId, ids: [], messageIds: [] };
    this.progress.set(queueId, fresh);
    if (this.progress.size > MAX_ENTRIES) this.progress.delete(this.progress.keys().next().value as number);
    return fresh;
  }

  /** Forgets a message once it succeeded or failed for good. */
  finish(queueId: number): void {
    this.progress.delete(queueId);
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
