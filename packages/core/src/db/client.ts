/**
 * @module db/client — opens the SQLite file (WAL) and applies migrations: core's, then a gateway's.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { migrationSteps, type MigrationFolders } from "./migration-steps.js";
import { makePrivateDirSync, makePrivateFileSync, restrictExistingFilesSync } from "./private-files.js";
import type { Dialect } from "./dialect-tables.js";
import * as schema from "./schema.js";

/**
 * The drizzle database handle, with the raw better-sqlite3 connection at `$client`. `dialectName`
 * says which store it is (portable code takes its tables with `tables.for(db)`); not `dialect`,
 * which drizzle's handles use for their SQL builder.
 */
export type Database = BetterSQLite3Database<typeof schema> & {
  $client: BetterSqlite3.Database;
  /**
   * With `postgres`, the handle is a PostgreSQL one typed as this (portable code types its queries
   * once, against `tables.for(db)`): its `$client` is a `pg.Pool`, reached with `postgresOf(db)`.
   */
  dialectName: Dialect;
};

/** Core's drizzle migrations folder. */
export const CORE_MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Opens (creating the directory if needed) and migrates the database: core's migrations, then each
 * host's, then the gateway's. Its files are 0600, a created folder 0700.
 */
export function openDatabase(path: string, options: MigrationFolders = {}): Database {
  const file = path !== ":memory:" && !path.startsWith("file:");
  if (file) {
    makePrivateDirSync(dirname(path));
    // Created before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    makePrivateFileSync(path);
  }
  const sqlite = new BetterSqlite3(path);
  // Connection settings are PRAGMAs, which only exist as raw SQL.
  // Nothing is served while opening and migrating: a lock held by another process may be waited for.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("journal_mode = WAL");
  // NORMAL is durable in WAL mode against process crashes (only an OS crash can lose the last commits).
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const db: Database = Object.assign(drizzle(sqlite, { schema }), { dialectName: "sqlite" as const });
  // A migration that drops an index or a column must not leave its old (maybe secret) content in
  // free pages of the file.
  sqlite.pragma("secure_delete = ON");
  for (const step of migrationSteps(CORE_MIGRATIONS, options)) {
    migrate(db, { migrationsFolder: step.folder, migrationsTable: step.table });
  }
  sqlite.pragma("secure_delete = OFF");
  if (file) restrictExistingFilesSync([`${path}-wal`, `${path}-shm`]);
  // Once serving, waiting for a lock blocks the event loop: wait briefly, then fail with
  // SQLITE_BUSY and let the caller retry asynchronously (workers) or answer 503 (routes).
  sqlite.pragma("busy_timeout = 10");
  return db;
}
