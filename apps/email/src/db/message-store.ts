/**
 * @module db/message-store — every Message-ID we sent or received, with its conversation.
 * It is what threads replies: the parent of an outgoing reply, the chat of an incoming one.
 */
import { tenantRows, type Database, type PurgeContext, type StoringWrite } from "@switchboard/core";
import { and, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { emailMessages } from "./schema.js";
import { emailTables } from "./schema.js";

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

/** Reads and writes `email_messages` (portable: drizzle's query builder, awaited). */
export class MessageStore {
  private readonly table;
  /**
   * Newest first; the storing order breaks ties between messages stored in the same millisecond
   * (SQLite's rowid; PostgreSQL's table has a `seq` identity column for it).
   */
  private readonly newest;

  constructor(private readonly db: Database) {
    this.table = emailTables.for(db).emailMessages;
    const storingOrder = this.table === emailTables.postgres.emailMessages ? sql`seq` : sql`rowid`;
    this.newest = [desc(this.table.createdAt), desc(storingOrder)];
  }

  /** Records a message; a Message-ID already stored for the tenant is left as it is. */
  async insert(tenantId: number, message: StoredMessage): Promise<void> {
    await this.insertQuery(tenantId, message);
  }

  /**
   * The same as a write for core's `onStored` to answer (not run here): the event store runs it
   * inside the transaction that stores the incoming mail, on either database, so the threading row
   * commits or rolls back with it.
   */
  insertWrite(tenantId: number, message: StoredMessage): StoringWrite {
    return this.insertQuery(tenantId, message);
  }

  private insertQuery(tenantId: number, message: StoredMessage) {
    const { references, ...columns } = message;
    return this.db
      .insert(this.table)
      .values({ tenantId, ...columns, refs: references.join(" ") })
      .onConflictDoNothing();
  }

  /** A stored message by its Message-ID. */
  async get(tenantId: number, messageId: string): Promise<StoredMessage | undefined> {
    const [row] = await this.db
      .select()
      .from(this.table)
      .where(and(tenantRows(this.table, tenantId), eq(this.table.messageId, messageId)))
      .limit(1);
    return row && toMessage(row);
  }

  /**
   * The newest message with this contact: with a `chatId`, only those in that chat or in no known
   * chat yet; with `null`, any.
   */
  async latest(tenantId: number, contact: string, chatId: string | null): Promise<StoredMessage | undefined> {
    const inChat = chatId === null ? undefined : or(eq(this.table.chatId, chatId), isNull(this.table.chatId));
    const [row] = await this.db
      .select()
      .from(this.table)
      .where(and(tenantRows(this.table, tenantId), eq(this.table.contact, contact), inChat))
      .orderBy(...this.newest)
      .limit(1);
    return row && toMessage(row);
  }

  /** The newest CRM chat id known for a thread. */
  async threadChatId(tenantId: number, threadId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ chatId: this.table.chatId })
      .from(this.table)
      .where(and(tenantRows(this.table, tenantId), eq(this.table.threadId, threadId), isNotNull(this.table.chatId)))
      .orderBy(...this.newest)
      .limit(1);
    return row?.chatId ?? null;
  }

  /**
   * The retention pass's purge: forgets Message-IDs stored before `cutoffs.history`. A reply to
   * one of them is placed by its newer references, else starts a thread of its own.
   */
  async purge({ cutoffs, deleteInBatches }: PurgeContext): Promise<Record<string, number>> {
    return { email_messages: await deleteInBatches(this.table, lt(this.table.createdAt, cutoffs.history)) };
  }

  /** Gives a thread's messages that have no chat yet the chat the CRM answered it in. */
  async adoptThread(tenantId: number, threadId: string, chatId: string): Promise<void> {
    await this.db
      .update(this.table)
      .set({ chatId })
      .where(and(tenantRows(this.table, tenantId), eq(this.table.threadId, threadId), isNull(this.table.chatId)));
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
