/**
 * @module db/schema — the Telegram gateway's own tables, defined once for SQLite and PostgreSQL
 * (migrations in `apps/telegram/drizzle` and `apps/telegram/drizzle-pg`; the PostgreSQL tables in
 * `schema.pg.ts`). Regenerate both after a change: `pnpm --filter @switchboard/telegram db:generate --name <what>`.
 */
import { defineTables, tenantColumns } from "@switchboard/core";

/** The Telegram gateway's tables for both dialects: `telegramTables.for(db)` in portable code. */
export const telegramTables = defineTables((t) => ({
  /**
   * The random `secret_token` each tenant's webhook was last set with. It belongs to one bot: a
   * secret set for another bot than the saved token's opens nothing.
   */
  telegramWebhooks: t.table(
    "telegram_webhooks",
    (c) => ({
      ...tenantColumns(c),
      /** The numeric id of the bot the webhook was set on (the public half of its token). */
      botId: c.text("bot_id").notNull(),
      secret: c.text("secret").notNull(),
      updatedAt: c.bigint("updated_at").notNull(),
    }),
    (x, k) => [k.primaryKey({ columns: [x.tenantId] })],
  ),
}));

export const { telegramWebhooks } = telegramTables.sqlite;
