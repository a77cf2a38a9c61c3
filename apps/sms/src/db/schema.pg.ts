/** @module db/schema.pg — the SMS gateway's PostgreSQL tables, what `drizzle-pg/` is generated from. */
import { smsTables } from "./schema.js";

export const { smsOptOuts } = smsTables.postgres;
