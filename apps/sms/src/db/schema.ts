/**
 * @module db/schema — the SMS gateway's own tables (migrations in `apps/sms/drizzle`).
 * Regenerate after a change: `pnpm --filter @switchboard/sms db:generate --name <what>`.
 */
import { tenantColumns } from "@switchboard/core";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Numbers that texted STOP (or were refused with 21610), per tenant. */
export const smsOptOuts = sqliteTable(
  "sms_opt_outs",
  {
    ...tenantColumns(),
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
    ...tenantColumns(),
    messageSid: text("message_sid").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.partIndex] }), index("sms_sent_parts_created").on(t.createdAt)],
);
