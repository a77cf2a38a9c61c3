/**
 * @module db/migrations — where the gateway's drizzle-kit migrations live, SQLite's and PostgreSQL's (applied by core at start).
 */
import { fileURLToPath } from "node:url";

/** Absolute path of the gateway's migrations folder (same relative place from src/ and dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Absolute path of the gateway's PostgreSQL migrations folder. */
export const POSTGRES_MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle-pg", import.meta.url));
