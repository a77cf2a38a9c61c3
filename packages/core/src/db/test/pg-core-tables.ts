/**
 * @module db/test/pg-core-tables — core's PostgreSQL tables for the raw-SQL store tests: a pool on
 * the test database, migrated with core's real PostgreSQL migrations (drizzle-pg/) by `openPostgres`.
 */
import type pg from "pg";
import { openPostgres } from "../postgres-client.js";

/** A pool on `url` with core's tables migrated (empty on a fresh database). Close with `pool.end()`. */
export async function openPgCoreTables(url: string): Promise<pg.Pool> {
  const db = await openPostgres(url);
  return db.$client;
}

/** Empties the tables between tests (ids start again at 1). */
export async function emptyPgCoreTables(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE crm_outbox, seen_events, outgoing, outgoing_parts, outgoing_send_parts RESTART IDENTITY`);
}
