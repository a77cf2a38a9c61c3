/**
 * @module db/schema — the Telegram gateway's own tables (migrations in `apps/telegram/drizzle`).
 * Regenerate after a change, from apps/telegram:
 *   ../../packages/core/node_modules/.bin/drizzle-kit generate --config drizzle.config.ts --name <what>
 */
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The random `secret_token` each tenant's webhook was last set with. It belongs to one bot: a
 * secret set for another bot than the saved token's opens nothing.
 */
export const telegramWebhooks = sqliteTable(
  "telegram_webhooks",
  {
    companyId: text("company_id").notNull(),
    pluginAlias: text("plugin_alias").notNull(),
    pluginId: text("plugin_id").notNull(),
    /** The numeric id of the bot the webhook was set on (the public half of its token). */
    botId: text("bot_id").notNull(),
    secret: text("secret").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.pluginAlias, t.pluginId] })],
);
