/**
 * @module db/message-store — every Message-ID we sent or received, with its conversation.
 * It is what threads replies: the parent of an outgoing reply, the chat of an incoming one.
 */
import { tenantRows, type Database } from "@switchboard/core";
import { and, desc, eq, isNotNull, isNull, or, sql } from "drizzle-orm";
import { emailMessages } from "./schema.js";

/** One stored message. Ids are kept without angle brackets. */
export interface StoredMessage {
  messageId: string;
  direction: "in" | "out";
  /** The customer's address, lower case. */
  contact: string;
  /** The CRM chat id of the conversation, once known. */
  chatId: string | null;
  /** Message-ID of the first message of the thread. */
  threadId: string;
  /** Subject without reply prefixes. */
  subject: string | null;
  /** Ancestors, oldest first (the References of a reply to this message, minus this one). */
  references: string[];
  createdAt: number;
}

type Row = typeof emailMessages.$inferSelect;

// Newest first; rowid breaks ties between messages stored in the same millisecond.
const NEWEST = [desc(emailMessages.createdAt), desc(sql`rowid`)];

/** Reads and writes `email_messages`. */
export class MessageStore {
  constructor(private readonly db: Database) {}

  /** Records a message; a Message-ID already stored for the tenant is left as it is. */
  insert(tenantId: number, message: StoredMessage): void {
    const { references, ...columns } = message;
    this.db
      .insert(emailMessages)
      .values({ tenantId, ...columns, refs: references.join(" ") })
      .onConflictDoNothing()
      .run();
  }

  /** A stored message by its Message-ID. */
  get(tenantId: number, messageId: string): StoredMessage | undefined {
    const row = this.db
      .select()
      .from(emailMessages)
      .where(and(tenantRows(emailMessages, tenantId), eq(emailMessages.messageId, messageId)))
      .get();
    return row && toMessage(row);
  }

  /**
   * The newest message with this contact: with a `chatId`, only those in that chat or in no known
   * chat yet; with `null`, any.
   */
  latest(tenantId: number, contact: string, chatId: string | null): StoredMessage | undefined {
    const inChat = chatId === null ? undefined : or(eq(emailMessages.chatId, chatId), isNull(emailMessages.chatId));
    const row = this.db
      .select()
      .from(emailMessages)
      .where(and(tenantRows(emailMessages, tenantId), eq(emailMessages.contact, contact), inChat))
      .orderBy(...NEWEST)
      .limit(1)
      .get();
    return row && toMessage(row);
  }

  /** The newest CRM chat id known for a thread. */
  threadChatId(tenantId: number, threadId: string): string | null {
    const row = this.db
      .select({ chatId: emailMessages.chatId })
      .from(emailMessages)
      .where(
        and(tenantRows(emailMessages, tenantId), eq(emailMessages.threadId, threadId), isNotNull(emailMessages.chatId)),
      )
      .orderBy(...NEWEST)
      .limit(1)
      .get();
    return row?.chatId ?? null;
  }

  /** Gives a thread's messages that have no chat yet the chat the CRM answered it in. */
  adoptThread(tenantId: number, threadId: string, chatId: string): void {
    this.db
      .update(emailMessages)
      .set({ chatId })
      .where(
        and(tenantRows(emailMessages, tenantId), eq(emailMessages.threadId, threadId), isNull(emailMessages.chatId)),
      )
      .run();
  }
}

function toMessage(row: Row): StoredMessage {
  return {
    messageId: row.messageId,
    direction: row.direction,
    contact: row.contact,
    chatId: row.chatId,
    threadId: row.threadId,
    subject: row.subject,
    references: row.refs ? row.refs.split(" ") : [],
    createdAt: row.createdAt,
  };
}
