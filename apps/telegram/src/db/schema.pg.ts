/** @module db/schema.pg — the Telegram gateway's PostgreSQL tables, what `drizzle-pg/` is generated from. */
import { telegramTables } from "./schema.js";

export const { telegramWebhooks } = telegramTables.postgres;
