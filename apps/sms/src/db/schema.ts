/**
 * @module db/schema — the SMS gateway's own tables, defined once for SQLite and PostgreSQL
 * (migrations in `apps/sms/drizzle` and `apps/sms/drizzle-pg`; the PostgreSQL tables in
 * `schema.pg.ts`). Regenerate both after a change: `pnpm --filter @switchboard/sms db:generate --name <what>`.
 */
import { defineTables, tenantColumns } from "@switchboard/core";

/** The SMS gateway's tables for both dialects: `smsTables.for(db)` in portable code. */
export const smsTables = defineTables((t) => ({
  /** Numbers that texted STOP (or were refused with 21610), per tenant. */
  smsOptOuts: t.table(
    "sms_opt_outs",
    (c) => ({
      ...tenantColumns(c),
      phone: c.text("phone").notNull(),
      keyword: c.text("keyword").notNull(),
      optedOutAt: c.bigint("opted_out_at").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.tenantId, x.phone] })],
  ),
}));

export const { smsOptOuts } = smsTables.sqlite;
