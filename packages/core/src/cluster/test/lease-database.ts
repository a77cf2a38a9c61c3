/**
 * @module cluster/test/lease-database — a database migrated as a replica's is (core's PostgreSQL
 * migrations: `tenants`, `shards`, `replicas`), and tenants in it.
 */
import type pg from "pg";
import { openPostgres } from "../../db/postgres-client.js";

/** Runs core's PostgreSQL migrations on the empty database `url`. */
export async function createLeaseTables(url: string): Promise<void> {
  const db = await openPostgres(url);
  await db.$client.end();
}

/** Adds `count` tenants, as a host registering them would; answers their ids. */
export async function addTenants(pool: pg.Pool, count: number): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO tenants (host, tenant_key, public_id, created_at)
     SELECT 'salesrender', gen_random_uuid()::text, gen_random_uuid()::text, 0 FROM generate_series(1, $1)
     RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id);
}
