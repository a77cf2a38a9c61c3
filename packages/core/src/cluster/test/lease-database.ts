/**
 * @module cluster/test/lease-database — a database with the tables the leases use, and tenants.
 */
import pg from "pg";

/** What the leases read and write, as the PostgreSQL schema has it. */
const TABLES = `
CREATE TABLE tenants (id serial PRIMARY KEY);
CREATE TABLE shards (shard integer PRIMARY KEY, owner text, lease_until bigint, epoch bigint NOT NULL DEFAULT 0);
CREATE INDEX shards_owner ON shards (owner);
CREATE TABLE replicas (id text PRIMARY KEY, lease_until bigint NOT NULL, started_at bigint NOT NULL);`;

/** Creates the leases' tables in the empty database `url`. */
export async function createLeaseTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(TABLES);
  } finally {
    await client.end();
  }
}

/** Adds `count` tenants; answers their ids. */
export async function addTenants(pool: pg.Pool, count: number): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(
    "INSERT INTO tenants (id) SELECT nextval('tenants_id_seq') FROM generate_series(1, $1) RETURNING id",
    [count],
  );
  return rows.map((r) => r.id);
}
