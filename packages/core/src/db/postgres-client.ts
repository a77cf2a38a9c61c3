/**
 * @module db/postgres-client — opens a PostgreSQL store: a `pg` pool behind drizzle's node-postgres
 * driver, migrated at start (core's, the running hosts', the gateway's, each with its own migrations
 * table in the `drizzle` schema) under an advisory lock, so replicas starting together migrate once.
 * The URL carries a password: it is never logged, nor put in an error.
 */
import { fileURLToPath } from "node:url";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Logger } from "pino";
import { migrationSteps, type MigrationFolders, type MigrationStep } from "./migration-steps.js";

/**
 * The drizzle handle of a PostgreSQL store, with its pool at `$client`. Which store it is reads
 * `dialectName`: drizzle's handles already have a `dialect` (its SQL builder), which must stay.
 */
export type PostgresDatabase = NodePgDatabase & { $client: pg.Pool; dialectName: "postgres" };

/** The PostgreSQL handle behind a store handle whose `dialectName` is `postgres` (throws on SQLite's). */
export function postgresOf(db: { readonly dialectName: string }): PostgresDatabase {
  if (db.dialectName !== "postgres") throw new Error("not a PostgreSQL store");
  return db as unknown as PostgresDatabase;
}

/** Core's PostgreSQL migrations folder. */
export const CORE_PG_MIGRATIONS = fileURLToPath(new URL("../../drizzle-pg", import.meta.url));

/** Connections of the pool unless `SWITCHBOARD_DATABASE_POOL` says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

// One key for every Switchboard package: their migrations run one after another, on one connection.
const MIGRATION_LOCK_KEY = "7526117412054217553";

/** Options of {@link openPostgres}: the PostgreSQL migrations folders, the pool's size. */
export interface OpenPostgresOptions extends MigrationFolders {
  /** Connections of the pool (`SWITCHBOARD_DATABASE_POOL`, default 10). */
  poolSize?: number;
  /** How long a query waits for a connection (to open one, or for a busy pool to free one); default 5 s. */
  connectTimeoutMs?: number;
  /** Where the pool's connection errors go (never with the URL). */
  logger?: Logger;
  /** `false`: open the pool without running migrations (the CLI's commands beside running replicas). Default true. */
  migrate?: boolean;
}

/** The PostgreSQL URL is not one (its text is never repeated: it may hold a password). */
export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
}

/**
 * Opens a pool on `url` (`postgres://user:password@host:5432/db`) and runs every package's
 * PostgreSQL migrations that have not run yet, holding `pg_advisory_lock` on one connection while
 * it does. Close with `db.$client.end()`.
 */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<PostgresDatabase> {
  const pool = new pg.Pool({
    connectionString: checkedUrl(url),
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    // Connections stay open once the load opened them (pg closes idle ones after 10 s by default):
    // a new one costs the request waiting for it a TCP and SCRAM handshake, a fresh server backend
    // and a parse of every named statement again, each time the load rises after a quiet spell.
    idleTimeoutMillis: 0,
    keepAlive: true,
    application_name: "switchboard",
  });
  // An idle connection the server drops (a restart, a failover) emits here; unheard, it would end the process.
  pool.on("error", (error) =>
    options.logger?.warn(
      { event: "postgres.connection_failed", err: error },
      "a PostgreSQL connection failed; the pool opens another on demand",
    ),
  );
  try {
    if (options.migrate !== false) await migrateUnderLock(pool, migrationSteps(CORE_PG_MIGRATIONS, options));
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return Object.assign(drizzle({ client: pool }), { dialectName: "postgres" as const });
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError("the PostgreSQL URL is not a URL (postgres://user:password@host:5432/database)");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DatabaseUrlError("the PostgreSQL URL must start with postgres:// or postgresql://");
  }
  return url;
}

async function migrateUnderLock(pool: pg.Pool, steps: readonly MigrationStep[]): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A checked-out client has no listener of the pool's: the server going away mid-migration would
  // emit an unheard "error" and end the process. The query in flight fails with it anyway.
  const onError = (error: Error) => (failure ??= error);
  client.on("error", onError);
  try {
    // Session-level: held until unlocked or until this connection ends (a replica killed mid-migration).
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      // Drizzle over the one client: its migration transaction runs on the connection holding the lock.
      const db = drizzle({ client });
      for (const step of steps) {
        await migrate(db, { migrationsFolder: step.folder, migrationsTable: step.table, migrationsSchema: "drizzle" });
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } catch (error) {
    failure ??= error as Error;
    throw error;
  } finally {
    client.off("error", onError);
    // A connection that failed is dropped rather than reused.
    client.release(failure);
  }
}
