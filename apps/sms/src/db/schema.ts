/**
 * @module db/schema — the SMS gateway's own tables (migrations in `apps/sms/drizzle`).
 * Regenerate after a change: `pnpm --filter @switchboard/sms db:generate --name <what>`.
 */
import { tenantColumns } from "@switchboard/core";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Numbers that texted STOP (or were refused with 21610), per tenant. */
export const smsOptOuts = sqliteTable(
  "sms_opt_outs",
  {
    ...tenantColumns(),
    phone: text("phone").notNull(),
    keyword: text("keyword").notNull(),
    optedOutAt: integer("opted_out_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.phone] })],
);
