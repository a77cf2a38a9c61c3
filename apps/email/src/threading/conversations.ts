/**
 * @module threading/conversations — which thread an outgoing reply continues, and which CRM
 * conversation an incoming mail belongs to. Threads are scoped by contact, so replies from
 * different people to one message never merge into one conversation.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import type { MessageStore, StoredMessage } from "../db/message-store.js";

/** Where an incoming message belongs: its thread and, when known, the CRM chat. */
export interface IncomingPlacement {
  threadId: string;
  chatId: string | null;
}

/** Thread lookups over the message store (and core's outgoing log as a fallback). */
export class Conversations {
  constructor(
    private readonly store: MessageStore,
    private readonly runtime: GatewayRuntime,
  ) {}

  /**
   * The message an outgoing one replies to: the newest with this contact that is in the same CRM
   * chat or in no chat yet (mail the CRM has not answered, which this message answers). Without a
   * chat id, the newest message with the contact.
   */
  parentForOutgoing(tenantId: number, contact: string, chatId: string | null): Promise<StoredMessage | undefined> {
    return this.store.latest(tenantId, contact, chatId);
  }

  /** Records an outgoing message; a chat id the CRM answered with is given to the whole thread. */
  async recordOutgoing(tenantId: number, message: StoredMessage): Promise<void> {
    await this.store.insert(tenantId, message);
    if (message.chatId) await this.store.adoptThread(tenantId, message.threadId, message.chatId);
  }

  /**
   * Places an incoming mail by the ids it answers (In-Reply-To first, then References newest
   * first); only messages with the same contact count.
   */
  async placeIncoming(tenant: Tenant, contact: string, answeredIds: string[]): Promise<IncomingPlacement | undefined> {
    for (const id of answeredIds) {
      const known = await this.store.get(tenant.id, id);
      if (known && known.contact === contact) {
        return { threadId: known.threadId, chatId: await this.store.threadChatId(tenant.id, known.threadId) };
      }
      const outgoing = known ? undefined : await this.runtime.findOutgoing(tenant, id);
      if (outgoing && outgoing.chat.contact.trim().toLowerCase() === contact) {
        return { threadId: id, chatId: outgoing.chat.id };
      }
    }
    return undefined;
  }
}
