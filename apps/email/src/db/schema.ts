/**
 * @module db/schema — the email gateway's own tables, defined once for SQLite and PostgreSQL
 * (migrations in `apps/email/drizzle` and `apps/email/drizzle-pg`; the PostgreSQL tables in
 * `schema.pg.ts`). Regenerate both after a change: `pnpm --filter @switchboard/email db:generate --name <what>`.
 */
import { defineTables, tenantColumns } from "@switchboard/core";

/** The email gateway's tables for both dialects: `emailTables.for(db)` in portable code. */
export const emailTables = defineTables((t) => ({
  /** Every Message-ID sent or received per tenant (without angle brackets), with its conversation. */
  emailMessages: t.table(
    "email_messages",
    (c) => ({
      ...tenantColumns(c),
      messageId: c.text("message_id").notNull(),
      /** `in` (from the customer) or `out` (from the CRM). */
      direction: c.text("direction", { enum: ["in", "out"] }).notNull(),
      /** The customer's address, lower case. */
      contact: c.text("contact").notNull(),
      /** The CRM chat id of the conversation, once known. */
      chatId: c.text("chat_id"),
      /** Message-ID of the first message of the thread. */
      threadId: c.text("thread_id").notNull(),
      /** Subject without reply prefixes. */
      subject: c.text("subject"),
      /** Ancestors, oldest first, space separated: the References of a reply minus this message. */
      refs: c.text("refs").notNull().default(""),
      createdAt: c.bigint("created_at").notNull(),
      // The order messages were stored in (ties of created_at): SQLite reads it by rowid, PostgreSQL has none.
      ...c.postgresOnly((pg) => ({ seq: pg.bigint("seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity() })),
    }),
    (x, k) => [
      k.primaryKey({ columns: [x.tenantId, x.messageId] }),
      k.index("email_messages_contact").on(x.tenantId, x.contact, x.createdAt),
      k.index("email_messages_thread").on(x.tenantId, x.threadId),
      // The retention pass finds old rows by age (SWITCHBOARD_KEEP_HISTORY_DAYS).
      k.index("email_messages_created").on(x.createdAt),
    ],
  ),

  /** The random token of each tenant's raw-MIME webhook URL (also keys its Message-ID hashes). */
  emailInboundTokens: t.table(
    "email_inbound_tokens",
    (c) => ({
      ...tenantColumns(c),
      /** Sealed with `runtime.secrets`. */
      token: c.text("token").notNull(),
      /** SHA-256 (hex) of the token, to find a tenant by the token in a URL; NULL only until the start that fills it. */
      tokenHash: c.text("token_hash"),
      createdAt: c.bigint("created_at").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.tenantId] }), k.uniqueIndex("email_inbound_tokens_hash").on(x.tokenHash)],
  ),
}));

export const { emailMessages, emailInboundTokens } = emailTables.sqlite;
