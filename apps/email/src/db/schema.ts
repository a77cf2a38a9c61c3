/**
 * @module db/schema — the email gateway's own tables (migrations in `apps/email/drizzle`).
 * Regenerate after a change: `pnpm --filter @switchboard/email db:generate`.
 */
import { tenantColumns } from "@switchboard/core";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Every Message-ID sent or received per tenant (without angle brackets), with its conversation. */
export const emailMessages = sqliteTable(
  "email_messages",
  {
    ...tenantColumns(),
    messageId: text("message_id").notNull(),
    /** `in` (from the customer) or `out` (from the CRM). */
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    /** The customer's address, lower case. */
    contact: text("contact").notNull(),
    /** The CRM chat id of the conversation, once known. */
    chatId: text("chat_id"),
    /** Message-ID of the first message of the thread. */
    threadId: text("thread_id").notNull(),
    /** Subject without reply prefixes. */
    subject: text("subject"),
    /** Ancestors, oldest first, space separated: the References of a reply minus this message. */
    refs: text("refs").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.messageId] }),
    index("email_messages_contact").on(t.tenantId, t.contact, t.createdAt),
    index("email_messages_thread").on(t.tenantId, t.threadId),
  ],
);

/** The random token of each tenant's raw-MIME webhook URL (also keys its Message-ID hashes). */
export const emailInboundTokens = sqliteTable(
  "email_inbound_tokens",
  {
    ...tenantColumns(),
    /** Sealed with `runtime.secrets`. */
    token: text("token").notNull(),
    /** SHA-256 (hex) of the token, to find a tenant by the token in a URL; NULL only until the start that fills it. */
    tokenHash: text("token_hash"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId] }), uniqueIndex("email_inbound_tokens_hash").on(t.tokenHash)],
);
