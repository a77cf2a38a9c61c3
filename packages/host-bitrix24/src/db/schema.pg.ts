/** @module db/schema.pg — the Bitrix24 host's PostgreSQL tables, what `drizzle-pg/` is generated from. */
import { bitrix24Tables } from "./schema.js";

export const { bitrix24Portals, bitrix24Lines } = bitrix24Tables.postgres;
