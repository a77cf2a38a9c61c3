/**
 * @module db/schema — the Telegram gateway's own tables (migrations in `apps/telegram/drizzle`).
 * Regenerate after a change: `pnpm --filter @switchboard/telegram db:generate --name <what>`.
 */
import { tenantColumns } from "@switchboard/core";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The random `secret_token` each tenant's webhook was last set with. It belongs to one bot: a
 * secret set for another bot than the saved token's opens nothing.
 */
export const telegramWebhooks = sqliteTable(
  "telegram_webhooks",
  {
    ...tenantColumns(),
    /** The numeric id of the bot the webhook was set on (the public half of its token). */
    botId: text("bot_id").notNull(),
    secret: text("secret").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId] })],
);
