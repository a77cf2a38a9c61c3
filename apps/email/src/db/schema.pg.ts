/** @module db/schema.pg — the email gateway's PostgreSQL tables, what `drizzle-pg/` is generated from. */
import { emailTables } from "./schema.js";

export const { emailMessages, emailInboundTokens } = emailTables.postgres;
