/**
 * @module postgres/admin-query — one statement on a short connection of its own (CREATE DATABASE, readiness).
 */
import pg from "pg";

/** Runs one statement on its own short connection. */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}
