/**
 * @module db/message-store — every Message-ID we sent or received, with its conversation.
 * It is what threads replies: the parent of an outgoing reply, the chat of an incoming one.
 */
import type { PluginReference } from "@switchboard/core";
import { REF_WHERE, refParams, type Sqlite } from "./sqlite.js";

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

interface Row {
  message_id: string;
  direction: "in" | "out";
  contact: string;
  chat_id: string | null;
  thread_id: string;
  subject: string | null;
  refs: string;
  created_at: number;
}

const COLUMNS = "message_id, direction, contact, chat_id, thread_id, subject, refs, created_at";

/** Reads and writes `email_messages`. */
export class MessageStore {
  constructor(private readonly db: Sqlite) {}

  /** Records a message; a Message-ID already stored for the tenant is left as it is. */
  insert(ref: PluginReference, message: StoredMessage): void {
    this.db
      .prepare(
        `INSERT INTO email_messages (company_id, plugin_alias, plugin_id, ${COLUMNS})
         VALUES (@companyId, @pluginAlias, @pluginId, @messageId, @direction, @contact, @chatId, @threadId,
                 @subject, @refs, @createdAt)
         ON CONFLICT DO NOTHING`,
      )
      .run({ ...refParams(ref), ...message, refs: message.references.join(" ") });
  }

  /** A stored message by its Message-ID. */
  get(ref: PluginReference, messageId: string): StoredMessage | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM email_messages WHERE ${REF_WHERE} AND message_id = @messageId`)
      .get({ ...refParams(ref), messageId }) as Row | undefined;
    return row && toMessage(row);
  }

  /**
   * The newest message with this contact: with a `chatId`, only those in that chat or in no known
   * chat yet; with `null`, any.
   */
  latest(ref: PluginReference, contact: string, chatId: string | null): StoredMessage | undefined {
    const chatClause = chatId === null ? "" : "AND (chat_id = @chatId OR chat_id IS NULL)";
    const row = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM email_messages WHERE ${REF_WHERE} AND contact = @contact ${chatClause}
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get({ ...refParams(ref), contact, chatId }) as Row | undefined;
    return row && toMessage(row);
  }

  /** The newest CRM chat id known for a thread. */
  threadChatId(ref: PluginReference, threadId: string): string | null {
    const row = this.db
      .prepare(
        `SELECT chat_id FROM email_messages WHERE ${REF_WHERE} AND thread_id = @threadId AND chat_id IS NOT NULL
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get({ ...refParams(ref), threadId }) as { chat_id: string } | undefined;
    return row?.chat_id ?? null;
  }

  /** Gives a thread's messages that have no chat yet the chat the CRM answered it in. */
  adoptThread(ref: PluginReference, threadId: string, chatId: string): void {
    this.db
      .prepare(`UPDATE email_messages SET chat_id = @chatId WHERE ${REF_WHERE} AND thread_id = @threadId AND chat_id IS NULL`)
      .run({ ...refParams(ref), threadId, chatId });
  }
}

function toMessage(row: Row): StoredMessage {
  return {
    messageId: row.message_id,
    direction: row.direction,
    contact: row.contact,
    chatId: row.chat_id,
    threadId: row.thread_id,
    subject: row.subject,
    references: row.refs ? row.refs.split(" ") : [],
    createdAt: row.created_at,
  };
}
