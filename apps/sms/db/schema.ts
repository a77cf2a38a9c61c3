/**
 * @module db/schema — the SMS gateway's own tables, for drizzle-kit only.
 *
 * drizzle-orm is not a dependency of @switchboard/sms, so this file lives outside `src` (not
 * compiled) and the gateway reads and writes these tables with plain SQL (`src/opt-out/store.ts`,
 * `src/send/sent-parts.ts`). Regenerate migrations from apps/sms with:
 *   NODE_PATH=../../packages/core/node_modules ../../packages/core/node_modules/.bin/drizzle-kit generate --config drizzle.config.ts
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const ref = {
  companyId: text("company_id").notNull(),
  pluginAlias: text("plugin_alias").notNull(),
  pluginId: text("plugin_id").notNull(),
};

/** Numbers that texted STOP (or were refused with 21610), per tenant. */
export const smsOptOuts = sqliteTable(
  "sms_opt_outs",
  {
    ...ref,
    phone: text("phone").notNull(),
    keyword: text("keyword").notNull(),
    optedOutAt: integer("opted_out_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.pluginAlias, t.pluginId, t.phone] })],
);

/** Twilio messages already created for a queued send, so a retry never sends a part twice. */
export const smsSentParts = sqliteTable(
  "sms_sent_parts",
  {
    queueId: integer("queue_id").notNull(),
    partIndex: integer("part_index").notNull(),
    ...ref,
    messageSid: text("message_sid").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.partIndex] }), index("sms_sent_parts_created").on(t.createdAt)],
);
